"""The message index lists every captured message, with the pinned versions.

A message snippet (``message(...)`` in ``tests/scenarios.py``) records what a
real client library prints against a refused port in its ``mensagem``
variant. ``docs/mensagens.md`` must show each of those files (included, never
copied), say which library versions printed it, and link to the fix; and the
versions named there and in the pages' output titles must be the ones
``requirements.txt`` pins, so that a version bump is noticed.
"""

from __future__ import annotations

import ast
import re

import pytest

from tests.scenarios import SCENARIOS, Scenario
from tests.site import DOCS, ROOT, SNIPPETS, Include, includes

INDEX = DOCS / "mensagens.md"
MESSAGE_VARIANT = "mensagem"
UP_VARIANT = "servidor_ativo"  # the same code with a working server
OWN_LINE = "# "  # how a message snippet marks a line of its own
# "requests 2.34.2", "psycopg2-binary 2.9.13", "Django 5.2.19"
NAMED_VERSION = re.compile(r"([A-Za-z][\w.-]*[A-Za-z0-9]) (\d+(?:\.\d+)+)")
LIBRARY_LINE = re.compile(r"^\*\*Biblioteca:\*\* (?P<text>.+)$", re.MULTILINE)
OUTPUT_TITLE = re.compile(r'title="Saída \((?P<text>[^"]+)\)"')
STANDARD_LIBRARY = "biblioteca padrão"


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()


def pins() -> dict[str, str]:
    """``name -> version`` for every ``name==version`` line of requirements.txt."""
    found = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.split("#")[0].strip().partition("==")
        if sep:
            found[normalized(name)] = version.strip()
    return found


def recorded_messages() -> set[str]:
    """The recorded ``mensagem`` outputs, as paths relative to ``snippets/``."""
    return {
        scenario.output_path(MESSAGE_VARIANT).relative_to(SNIPPETS).as_posix()
        for scenario in SCENARIOS
        if MESSAGE_VARIANT in scenario.variants
    }


def message_outputs() -> set[str]:
    """Every recorded output of a message snippet but the working server's:
    the ``mensagem`` variant and the other forms of the same failure (the
    mysql-connector C extension, the Selenium session that ended)."""
    return {
        scenario.output_path(name).relative_to(SNIPPETS).as_posix()
        for scenario in SCENARIOS
        if MESSAGE_VARIANT in scenario.variants
        for name in scenario.variants
        if name != UP_VARIANT
    }


def shown_lines(include: Include) -> list[str]:
    """The lines of a recorded output an include shows (its line range, if any)."""
    lines = (SNIPPETS / include.path).read_text(encoding="utf-8").splitlines()
    if not include.section:
        return lines
    start, _, end = include.section.partition(":")
    return lines[int(start) - 1 : int(end or len(lines))]


def index_sections() -> list[str]:
    """The ``###`` entries of the index (one message each), with their text."""
    text = INDEX.read_text(encoding="utf-8")
    return [part for part in re.split(r"^### ", text, flags=re.MULTILINE)[1:]]


def test_there_are_message_snippets() -> None:
    assert len(recorded_messages()) >= 15


def test_every_captured_message_is_in_the_index() -> None:
    shown = {inc.path for inc in includes(INDEX)}
    missing = sorted(recorded_messages() - shown)
    assert not missing, f"add these to docs/mensagens.md: {missing}"


def test_the_index_shows_only_captured_messages() -> None:
    """An include on the index is a recorded message, not another output."""
    extra = sorted({inc.path for inc in includes(INDEX)} - message_outputs())
    assert not extra, f"not a recorded message: {extra}"


def test_the_index_shows_only_the_library_lines() -> None:
    """ "Exatamente o que a biblioteca imprime": the index shows no line the
    example printed itself (those start with ``# ``; a line range leaves them
    out)."""
    own = [
        f"{inc.path}:{inc.section or ''}: {line}"
        for inc in includes(INDEX)
        for line in shown_lines(inc)
        if line.startswith(OWN_LINE)
    ]
    assert not own, "\n".join(own)


def unmarked_prints(node: ast.AST) -> list[ast.Call]:
    """The ``print`` calls under ``node`` whose text starts with a literal
    that is not ``# `` (``*traceback.format_exception_only(exc)``, the
    library's own text, and computed values are left alone)."""
    found = []
    for call in ast.walk(node):
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "print"
            and call.args
        ):
            continue
        first = call.args[0]
        if isinstance(first, ast.JoinedStr) and first.values:
            first = first.values[0]
        if (
            isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and not first.value.startswith(OWN_LINE)
        ):
            found.append(call)
    return found


@pytest.mark.parametrize(
    "scenario",
    [s for s in SCENARIOS if MESSAGE_VARIANT in s.variants],
    ids=lambda s: s.snippet,
)
def test_message_snippets_mark_their_own_lines(scenario: Scenario) -> None:
    """What a message snippet prints itself when the connection fails (in an
    ``except`` block) starts with ``# ``, so that the reader, and the test
    above, can tell it from the library's text."""
    tree = ast.parse(scenario.path.read_text(encoding="utf-8"))
    unmarked = [
        f"{scenario.snippet}:{call.lineno}: {ast.unparse(call)}"
        for handler in ast.walk(tree)
        if isinstance(handler, ast.ExceptHandler)
        for call in unmarked_prints(handler)
    ]
    assert not unmarked, "\n".join(unmarked)


def named_versions() -> list[tuple[str, str, str, str]]:
    """(page, name, version, context) for each library version a page names
    in a ``**Biblioteca:**`` line or a ``Saída (...)`` output title."""
    found = []
    for page in [INDEX, *sorted((DOCS / "servicos").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        contexts = [m["text"] for m in LIBRARY_LINE.finditer(text)]
        contexts += [m["text"] for m in OUTPUT_TITLE.finditer(text)]
        for context in contexts:
            for name, version in NAMED_VERSION.findall(context):
                found.append((page.name, name, version, context))
    return found


def test_named_versions_are_the_pinned_ones() -> None:
    pinned = pins()
    wrong = [
        f"{page}: {name} {version} (requirements.txt: {pinned[normalized(name)]})"
        for page, name, version, _ in named_versions()
        if normalized(name) in pinned and pinned[normalized(name)] != version
    ]
    assert not wrong, "\n".join(wrong)


def test_every_named_library_is_pinned() -> None:
    """A version on the page that no pin backs could drift unnoticed."""
    pinned = pins()
    unpinned = [
        f"{page}: {name} {version}"
        for page, name, version, _ in named_versions()
        if normalized(name) not in pinned and normalized(name) not in {"linux"}
    ]
    assert not unpinned, "\n".join(unpinned)
