"""The page <-> snippet <-> test map has no hole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.scenarios import BY_SNIPPET, OUTPUTS, SCENARIOS
from tests.site import (
    INCLUDE,
    SNIPPETS,
    documented_modules,
    includes,
    markdown_sources,
    module_file,
    python_fences,
    section_names,
)

TESTS = Path(__file__).resolve().parent


def snippet_files() -> list[Path]:
    ignored = {"__pycache__"}
    return sorted(
        p
        for p in SNIPPETS.rglob("*")
        if p.is_file() and not ignored & set(p.parts) and p.suffix != ".pyc"
    )


def relative(path: Path) -> str:
    return path.relative_to(SNIPPETS).as_posix()


def line_range_problem(spec: str, target: Path) -> str | None:
    """What is wrong with a ``start[:end]`` line range of pymdownx.snippets."""
    total = len(target.read_text(encoding="utf-8").splitlines())
    parts = spec.split(":")
    if len(parts) > 2 or not all(p.isascii() and p.isdigit() for p in parts):
        return "not a line range"
    start, end = int(parts[0]), int(parts[-1])
    if not 1 <= start <= end <= total:
        return f"lines {start}-{end} outside 1-{total}"
    return None


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("2", None),
        ("1:3", None),
        ("3:1", "outside"),
        ("1:99", "outside"),
        ("0", "outside"),
        ("1:2:3", "not a line range"),
        ("1:x", "not a line range"),
    ],
)
def test_line_ranges_are_validated(
    spec: str, problem: str | None, tmp_path: Path
) -> None:
    target = tmp_path / "trecho.py"
    target.write_text("a = 1\nb = 2\nc = 3\n", encoding="utf-8")
    found = line_range_problem(spec, target)
    assert (found is None) if problem is None else (problem in found)


ALL_INCLUDES = [inc for page in markdown_sources() for inc in includes(page)]


def test_every_include_resolves(recorded: None) -> None:
    broken = []
    for inc in ALL_INCLUDES:
        target = SNIPPETS / inc.path
        where = f"{inc.page.name}:{inc.line}"
        if not target.is_file():
            broken.append(f"{where}: {inc.path} does not exist")
        elif inc.section and inc.section[0].isdigit():
            problem = line_range_problem(inc.section, target)
            if problem:
                broken.append(f"{where}: {inc.path}:{inc.section}: {problem}")
        elif inc.section and inc.section not in section_names(target):
            broken.append(f"{where}: no section {inc.section!r} in {inc.path}")
    assert not broken, "\n".join(broken)


def test_every_snippet_file_is_shown_on_a_page() -> None:
    shown = {inc.path for inc in ALL_INCLUDES}
    for page in markdown_sources():
        for identifier in documented_modules(page):
            module = module_file(identifier)
            assert module is not None, f"{page.name}: ::: {identifier} has no file"
            shown.add(relative(module))
    missing = [relative(p) for p in snippet_files() if relative(p) not in shown]
    assert not missing, f"snippets no page includes: {missing}"


def test_every_python_snippet_has_a_scenario() -> None:
    python_files = {relative(p) for p in snippet_files() if p.suffix == ".py"}
    python_files -= {f for f in python_files if f.endswith("__init__.py")}
    assert sorted(python_files - set(BY_SNIPPET)) == [], "add a scenario in tests/"
    assert sorted(set(BY_SNIPPET) - python_files) == [], "scenario without a file"
    assert len(BY_SNIPPET) == len(SCENARIOS), "a snippet has two scenarios"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.snippet)
def test_scenario_is_exercised(scenario) -> None:
    if scenario.main is None and not scenario.variants:
        assert scenario.tested_by, f"{scenario.snippet}: nothing runs it"
    if scenario.tested_by:
        assert (TESTS / scenario.tested_by).is_file(), scenario.tested_by


def test_every_recorded_output_belongs_to_a_variant(recorded: None) -> None:
    expected = {s.output_path(v) for s in SCENARIOS for v in s.variants}
    # saidas/lab/ holds the diagnosis command's lab recordings, each checked
    # against its row by test_diagnostico.py.
    recorded = {p for p in OUTPUTS.rglob("*.txt") if OUTPUTS / "lab" not in p.parents}
    assert sorted(map(str, recorded - expected)) == [], "stale recorded output"
    assert sorted(map(str, expected - recorded)) == [], "run pytest --update-examples"


def test_no_untested_python_fence_in_docs() -> None:
    """A Python block on a page must only include a snippet file."""
    offenders = []
    for page in markdown_sources():
        for line, body in python_fences(page):
            code = [text for text in body if text.strip()]
            if not code or not all(INCLUDE.match(text) for text in code):
                offenders.append(f"{page.relative_to(SNIPPETS.parent)}:{line}")
    assert not offenders, f"inline Python (move it to snippets/): {offenders}"


PAGE_LINK = re.compile(r"\]\((?!https?:|#)[^)]*\.md(?:#[^)]*)?\)")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
FENCED_CODE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}).*?^(?P=indent)(?P=fence)[ \t]*$",
    re.DOTALL | re.MULTILINE,
)
CODE_SPAN = re.compile(r"(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)


def onward_links(markdown: str) -> list[str]:
    """Links to other pages that a reader sees: not in an HTML comment, a
    fenced block or a code span (none of those renders a link)."""
    for hidden in (HTML_COMMENT, FENCED_CODE, CODE_SPAN):
        markdown = hidden.sub("", markdown)
    return PAGE_LINK.findall(markdown)


@pytest.mark.parametrize(
    ("markdown", "links"),
    [
        ("Veja [a causa](causa.md).", 1),
        ("Veja [a causa](causa.md#refused) e [o topo](#topo).", 1),
        ("Só [fora](https://example.org/x.md).", 0),
        ("<!-- [escondido](causa.md) -->\nNada.", 0),
        ("<!--\n[escondido](causa.md)\n-->", 0),
        ("```markdown\n[em código](causa.md)\n```", 0),
        ("    ~~~text\n    [em código](causa.md)\n    ~~~", 0),
        ("Escreva `[assim](causa.md)` no seu arquivo.", 0),
        ("Com ``[dois](causa.md)``, e [fora](causa.md).", 1),
    ],
    ids=[
        "link",
        "anchor-only-is-no-page",
        "external",
        "comment",
        "multiline-comment",
        "fence",
        "indented-tilde-fence",
        "code-span",
        "double-backtick-span-then-link",
    ],
)
def test_onward_links_are_the_visible_ones(markdown: str, links: int) -> None:
    assert len(onward_links(markdown)) == links


def test_no_page_is_a_dead_end() -> None:
    """Every page links onward to another page of the site, visibly."""
    pages = sorted(SNIPPETS.parent.joinpath("docs").rglob("*.md"))
    dead = [p.name for p in pages if not onward_links(p.read_text(encoding="utf-8"))]
    assert not dead, f"pages with no link to another page: {dead}"
