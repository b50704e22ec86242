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

# The pages on programs other than Python (reverse proxies, SSH tunnels...)
# are written apart from this catalogue. Until each one exists, its row shows
# the path instead of a link; these six, and only these, may be missing.
PENDING = {
    f"programas/{slug}.md"
    for slug in (
        "proxy-reverso",
        "tunel-ssh",
        "kubectl",
        "node-dev-server",
        "supervisor",
        "systemd",
    )
}
DATA = catalogo.load()
SITUATIONS = DATA["situacoes"]
# A pending page's row reads as a link once the page exists, as a path before.
PENDING_ROW = re.compile(
    r"\[[^\]]+\]\((?P<link>programas/[\w-]+\.md)[^)]*\)"
    r"|`(?P<path>programas/[\w-]+\.md)` \(em preparo\)"
)


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
    if not page.exists():
        assert path in PENDING, f"{path} does not exist"
        assert situation["origem"] == "outro", "only other programs' pages may wait"
        return
    if anchor:
        assert anchor in anchors(page), f"{path} has no section #{anchor}"


def test_only_the_six_program_pages_may_wait() -> None:
    used = {s["pagina"].partition("#")[0] for s in SITUATIONS if s["origem"] == "outro"}
    assert used == PENDING


def normalized(text: str) -> str:
    """The page with each pending row's reference reduced to its path."""
    return PENDING_ROW.sub(lambda m: f"<{m['link'] or m['path']}>", text)


def test_the_page_says_what_the_data_says() -> None:
    page = catalogo.PAGE.read_text(encoding="utf-8")
    expected = catalogo.render(DATA)
    assert normalized(page) == normalized(expected), (
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
