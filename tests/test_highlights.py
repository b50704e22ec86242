"""Highlighted lines (``hl_lines``) still point at what the page talks about.

A page highlights lines of an included snippet by number; when the snippet
changes, the numbers drift silently (to a blank line, a ``#>`` output, a
``print``). Each highlighted line must be code, and must contain one of the
``inline code`` spans of the paragraph right before the block: the prose says
what it highlights, and the test holds it to that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.site import FENCE, INCLUDE, SNIPPETS, markdown_sources

HL_LINES = re.compile(r'hl_lines="(?P<spec>[^"]+)"')
CODE_SPAN = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Highlight:
    page: Path
    line: int  # of the fence on the page
    snippet: str
    section: str | None
    numbers: tuple[int, ...]
    prose: str  # the paragraph before the block

    def __str__(self) -> str:
        return f"{self.page.relative_to(SNIPPETS.parent)}:{self.line}"


def parse_numbers(spec: str) -> tuple[int, ...]:
    """``"3 5-7"`` -> (3, 5, 6, 7), as pymdownx.highlight reads it."""
    numbers: list[int] = []
    for part in spec.split():
        first, _, last = part.partition("-")
        numbers.extend(range(int(first), int(last or first) + 1))
    return tuple(numbers)


def paragraph_before(lines: list[str], index: int) -> str:
    """The non-blank lines right above ``lines[index]`` (skipping blanks)."""
    end = index
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    start = end
    while start > 0 and lines[start - 1].strip():
        start -= 1
    return " ".join(line.strip() for line in lines[start:end])


def highlights() -> list[Highlight]:
    found = []
    for page in markdown_sources():
        lines = page.read_text(encoding="utf-8").splitlines()
        for index, text in enumerate(lines):
            fence, spec = FENCE.match(text), HL_LINES.search(text)
            if not fence or not spec:
                continue
            body = next(
                (INCLUDE.match(line) for line in lines[index + 1 : index + 4]), None
            )
            assert body, f"{page.name}:{index + 1}: hl_lines on a block with no include"
            path, _, section = body["spec"].partition(":")
            found.append(
                Highlight(
                    page,
                    index + 1,
                    path,
                    section or None,
                    parse_numbers(spec["spec"]),
                    paragraph_before(lines, index),
                )
            )
    return found


def shown_lines(snippet: str, section: str | None) -> list[str]:
    """The lines the block shows: the whole file or one ``--8<--`` section."""
    lines = (SNIPPETS / snippet).read_text(encoding="utf-8").splitlines()
    if section is None:
        return lines
    start = lines.index(next(x for x in lines if f"[start:{section}]" in x))
    end = lines.index(next(x for x in lines if f"[end:{section}]" in x))
    return lines[start + 1 : end]


HIGHLIGHTS = highlights()


def test_some_page_highlights_lines() -> None:
    assert HIGHLIGHTS, "the pattern no longer finds hl_lines: fix the test"


@pytest.mark.parametrize("highlight", HIGHLIGHTS, ids=str)
def test_highlighted_lines_are_what_the_prose_names(highlight: Highlight) -> None:
    lines = shown_lines(highlight.snippet, highlight.section)
    tokens = CODE_SPAN.findall(highlight.prose)
    assert tokens, f"{highlight}: say in the paragraph above what is highlighted"
    problems = []
    for number in highlight.numbers:
        if not 1 <= number <= len(lines):
            problems.append(f"line {number} is past the end ({len(lines)} lines)")
            continue
        code = lines[number - 1].strip()
        if not code or code.startswith("#"):
            problems.append(f"line {number} is blank or a comment: {code!r}")
        elif not any(token in code for token in tokens):
            problems.append(f"line {number} names none of {tokens}: {code!r}")
    assert not problems, f"{highlight} ({highlight.snippet}): " + "; ".join(problems)
