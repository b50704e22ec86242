"""Every problem page puts the fix on the first screen: Sintoma -> Causa -> Como resolver -> Prova.

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

from pathlib import Path

import pytest

from tests.anatomy import (
    anatomy_problems,
    listing_problems,
    parse,
    problem_pages,
    shape_problems,
)
from tests.site import DOCS

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
