"""The catalogue: its data (tests/data/catalogo.yml) and its page (docs/catalogo.md).

The page is generated from the data (``python -m scripts.catalogo``) and must
say what the data says; the situations are ranked by their number of
reports, a report counts once, and every situation points to a page (and
section) that exists.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from scripts import catalogo
from tests.site import DOCS

DATA = catalogo.load()
SITUATIONS = DATA["situacoes"]


def test_there_are_enough_situations() -> None:
    assert len(SITUATIONS) >= 30
    assert {s["origem"] for s in SITUATIONS} == set(catalogo.ORIGINS)


def test_situations_are_ranked_by_their_reports() -> None:
    counts = [len(s["relatos"]) for s in SITUATIONS]
    assert counts == sorted(counts, reverse=True), [s["id"] for s in SITUATIONS]


def test_each_report_is_a_link_counted_once() -> None:
    reports = Counter(url for s in SITUATIONS for url in s["relatos"])
    twice = sorted(url for url, times in reports.items() if times > 1)
    assert not twice, twice
    assert all(url.startswith("https://") for url in reports)
    assert len({s["id"] for s in SITUATIONS}) == len(SITUATIONS)


def anchors(page: Path) -> set[str]:
    return set(re.findall(r"\{\s*#([\w-]+)", page.read_text(encoding="utf-8")))


@pytest.mark.parametrize("situation", SITUATIONS, ids=lambda s: s["id"])
def test_each_situation_points_to_a_page_that_answers(situation: dict) -> None:
    path, _, anchor = situation["pagina"].partition("#")
    page = DOCS / path
    assert page.is_file(), f"{path} does not exist"
    if anchor:
        assert anchor in anchors(page), f"{path} has no section #{anchor}"


def test_the_page_says_what_the_data_says() -> None:
    page = catalogo.PAGE.read_text(encoding="utf-8")
    expected = catalogo.render(DATA)
    assert page == expected, (
        "docs/catalogo.md differs from tests/data/catalogo.yml; "
        "regenerate it with: python -m scripts.catalogo"
    )


def test_the_page_links_each_report_and_counts_them() -> None:
    page = catalogo.PAGE.read_text(encoding="utf-8")
    for situation in SITUATIONS:
        section = page.split(f"{{ #relatos-{situation['id']} }}", 1)[1].split(
            "### ", 1
        )[0]
        links = re.findall(r"\]\((https://[^)]+)\)", section)
        assert links == situation["relatos"], situation["id"]
        row = f"[{len(links)}](#relatos-{situation['id']})"
        assert row in page, f"{situation['id']}: the table must count {len(links)}"
