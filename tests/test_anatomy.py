"""Every problem page puts the fix on the first screen.

Sintoma -> Causa -> Como resolver -> Prova.

Problem pages are the pages of ``anatomy.PROBLEM_FOLDERS`` (``armadilhas/``,
``servicos/``), index pages aside; a new page there is checked too. For every
situation on a page:

- the four headings exist, in this order, with their ids (``tests/anatomy.py``);
- no program listing (a ``python``/``bash``/``yaml``... block, or a block that
  includes a source file) comes before ``Como resolver``; only one ``text``
  block in Sintoma, showing the message, may;
- Causa is prose of at most ``CAUSE_SENTENCES`` (2) sentences and
  ``CAUSE_WORDS`` (60) words; Sintoma shows the message and has at most 2
  sentences; Como resolver has numbered steps or commands.

A failure names the page, the situation and what came first.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.anatomy import (
    anatomy_problems,
    listing_problems,
    parse,
    problem_pages,
    shape_problems,
)
from tests.site import DOCS, SNIPPETS

PAGES = problem_pages()
IDS = [page.relative_to(DOCS).as_posix() for page in PAGES]


def report(problems: list[str]) -> str:
    return "\n".join(["", *problems])


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_situations_have_the_four_headings_in_order(page: Path) -> None:
    problems = anatomy_problems(parse(page))
    assert not problems, report(problems)


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_no_program_listing_before_the_fix(page: Path) -> None:
    problems = listing_problems(parse(page))
    assert not problems, report(problems)


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_symptom_shows_the_message_and_the_cause_is_short(page: Path) -> None:
    problems = shape_problems(parse(page))
    assert not problems, report(problems)


def test_problem_folders_hold_pages() -> None:
    """A renamed folder would leave the checks above with nothing to check."""
    folders = {page.parent.name for page in PAGES}
    assert folders == {"armadilhas", "servicos"}


# The home page and the command's page: the first thing to do, on the first screen.
# A phone screen (375 x 667 px, Material's 16 px text) shows about 130 words
# under the header; the limit leaves room for the title and the line breaks
# of a list.
FIRST_SCREEN_WORDS = 110


def words_before(text: str, marker: str) -> int | None:
    """Words of the page body (front matter and title aside) before ``marker``."""
    body = text.split("\n---\n", 1)[-1] if text.startswith("---\n") else text
    body = "\n".join(line for line in body.splitlines() if not line.startswith("# "))
    at = body.find(marker)
    return None if at < 0 else len(body[:at].split())


def first_listing_line(path: Path) -> int:
    """Line of the page's first program listing (any fence but plain text)."""
    listings = [f.line for s in parse(path).sections for f in s.fences if f.is_listing]
    return min(listings, default=10**9)


@pytest.mark.parametrize(
    "marker",
    ["ss -ltnp", "python diagnostico.py HOST PORTA"],
    ids=["listeners", "command"],
)
def test_home_says_what_to_do_first_on_the_first_screen(marker: str) -> None:
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    count = words_before(text, marker)
    assert count is not None, f"index.md: the first steps do not show `{marker}`"
    assert count <= FIRST_SCREEN_WORDS, (
        f"index.md: `{marker}` comes after {count} words (first screen: "
        f"{FIRST_SCREEN_WORDS})"
    )
    line = text[: text.find(marker)].count("\n") + 1
    assert line < first_listing_line(DOCS / "index.md"), (
        f"index.md: a program listing comes before `{marker}`"
    )


def test_home_does_not_repeat_the_summary_title() -> None:
    """The included summary is an admonition with its own title: a heading with
    the same words above it says it twice."""
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    titles = {h.title for s in parse(DOCS / "index.md").sections if (h := s.heading)}
    included = [SNIPPETS / m for m in re.findall(r'--8<--\s+"([^"]+\.md)"', text)]
    repeated = [
        title
        for path in included
        for title in re.findall(
            r'^!!!\s+\w+\s+"([^"]+)"', path.read_text("utf-8"), re.M
        )
        if title in titles
    ]
    assert not repeated, (
        f"index.md: heading and included admonition both say {repeated}"
    )


def test_command_page_offers_the_download_on_the_first_screen() -> None:
    text = (DOCS / "diagnostico" / "comando.md").read_text(encoding="utf-8")
    marker = "(../codigo/diagnostico.py){"
    count = words_before(text, marker)
    assert count is not None, "diagnostico/comando.md: no download link at the top"
    assert count <= FIRST_SCREEN_WORDS, (
        f"diagnostico/comando.md: the download comes after {count} words"
    )
    assert text.find(marker) < text.find("\n## "), (
        "diagnostico/comando.md: the download sits below the first section"
    )
