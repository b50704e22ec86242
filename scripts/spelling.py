"""Spell-check the project's pt-BR text with Hunspell and its pt_BR dictionary.

    python -m scripts.spelling

Checked: the pages (``docs/``, Markdown in ``snippets/``), the contributor
and test guides, the GitHub templates, and the comments and strings of the
snippets. Code (fenced blocks, inline code, identifiers, addresses, raw
strings such as regular expressions) is left out; technical terms the
dictionary lacks are listed in ``tests/palavras.txt``.
Messages are pt-BR: this is the contributor's tool.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import shutil
import subprocess
import sys
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.paths import ROOT, TESTS

WORDS = TESTS / "palavras.txt"
DICTIONARY = "pt_BR"
MISSING_HUNSPELL = (
    "hunspell não está instalado "
    "(Debian/Ubuntu: apt-get install hunspell hunspell-pt-br)"
)
MISSING_DICTIONARY = (
    f"o dicionário {DICTIONARY} do hunspell não está instalado "
    "(Debian/Ubuntu: apt-get install hunspell-pt-br)"
)
# The README ends with a summary in English.
ENGLISH_FROM = {"README.md": "## In English"}

# A checked word: letters, optionally joined by hyphens (pt-BR compounds and
# clitics such as "tempo-limite", "conectá-lo").
WORD = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")
EDGE_PUNCTUATION = "\"'“”‘’«»()[]{}.,;:!?…*—–-"

# Google-style docstring keys: section titles and parameter names.
DOCSTRING_KEY = re.compile(r"^\s*[\w*]+(?: \([^)]*\))?:(?=\s|$)")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"`[^`]*`")
MARKDOWN_NOISE = [
    re.compile(r"<!-- prova-lab:[^>]*-->"),  # proof markers: names, not prose
    re.compile(r"<!--|-->"),  # comment markers (the comment text is prose)
    re.compile(r"<[^>]*>"),  # HTML tags and autolinks
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$"),  # reference definitions
    re.compile(r"\{[^}]*\}"),  # attribute lists
    re.compile(r"https?://\S+"),
    re.compile(r"&\w+;"),
    re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s*\S+"),  # admonition type
    re.compile(r"^\s*:::.*$"),  # mkdocstrings
    re.compile(r"^\s*;?-+8<-+.*$"),  # snippet includes
    re.compile(r"^\s*\*\[[^\]]*\]:"),  # abbreviation keys
]


@dataclass(frozen=True)
class Word:
    path: str
    line: int
    text: str


class SpellingUnavailable(Exception):
    """Hunspell or its pt_BR dictionary is not installed (message in pt-BR)."""


def checked_files() -> list[Path]:
    files = [
        *ROOT.joinpath("docs").rglob("*.md"),
        *ROOT.joinpath("snippets").rglob("*.md"),
        *ROOT.joinpath("snippets").rglob("*.py"),
        ROOT / "README.md",
        ROOT / "CONTRIBUTING.md",
        ROOT / "tests" / "README.md",
        *ROOT.joinpath(".github").rglob("*.md"),
        *ROOT.joinpath(".github", "ISSUE_TEMPLATE").glob("*.yml"),
    ]
    return sorted(path for path in files if path.is_file())


def markdown_lines(text: str, english_from: str | None = None) -> list[str]:
    """Prose lines of a Markdown file ("" where a line holds no prose)."""
    lines = text.splitlines()
    if english_from is not None:
        ends = [n for n, line in enumerate(lines) if line.startswith(english_from)]
        lines = lines[: ends[0]] if ends else lines
    kept: list[str] = []
    fence = None
    front_matter = bool(lines) and lines[0] == "---"
    for number, line in enumerate(lines):
        if front_matter:
            if line == "---":
                front_matter = number == 0
                line = ""
            kept.append(re.sub(r"^\s*[\w-]+:", "", line))  # the value, not the key
            continue
        match = FENCE.match(line)
        if fence is None and match:
            fence, line = match[1], ""
        elif fence is not None:
            if line.strip() == fence:
                fence = None
            line = ""
        kept.append(line)
    # Inline code may wrap: blank it in the whole text, keeping line breaks.
    prose = INLINE_CODE.sub(lambda m: "\n" * m[0].count("\n"), "\n".join(kept))
    result = []
    for line in prose.split("\n"):
        for pattern in MARKDOWN_NOISE:
            line = pattern.sub(" ", line)
        result.append(line)
    return result


def python_lines(text: str) -> Iterator[str]:
    """Comments and string constants of a Python file, on their own lines."""
    lines = [""] * (text.count("\n") + 1)
    raw_strings = set()  # where r"..." starts: regular expressions, not prose
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    for token in tokens:
        if token.type == tokenize.STRING and token.string[:1] in "rR":
            raw_strings.add(token.start)
        if token.type != tokenize.COMMENT:
            continue
        comment = token.string.lstrip("#")
        # Recorded output (#>) is the strings' text again; markers are code.
        if comment.startswith(">") or re.search(r"--8<--|noqa|pragma", comment):
            continue
        lines[token.start[0] - 1] += " " + comment
    try:
        tree = ast.parse(text)
    except SyntaxError:  # newer syntax than this Python: comments only
        tree = ast.Module(body=[], type_ignores=[])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and len(node.value.split()) > 1  # one token: a key, a name, an option
            and (node.lineno, node.col_offset) not in raw_strings
        ):
            for offset, part in enumerate(node.value.splitlines()):
                index = min(node.lineno - 1 + offset, len(lines) - 1)
                lines[index] += " " + DOCSTRING_KEY.sub(" ", part)
    for line in lines:
        yield INLINE_CODE.sub(" ", line)  # docstrings quote code in backticks


def yaml_lines(text: str) -> Iterator[str]:
    """The user-facing strings of an issue form, one per line."""

    def strings(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in {"id", "type", "render", "labels"}:
                    yield from strings(value)
        elif isinstance(node, list):
            for item in node:
                yield from strings(item)
        elif isinstance(node, str):
            yield from node.splitlines()

    for line in strings(yaml.safe_load(text)):
        yield from markdown_lines(line)


def words_in(path: Path) -> Iterator[Word]:
    text = path.read_text(encoding="utf-8")
    relative = (
        path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    )
    if path.suffix == ".py":
        lines: Iterable[str] = python_lines(text)
    elif path.suffix == ".yml":
        lines = yaml_lines(text)
    else:
        lines = markdown_lines(text, ENGLISH_FROM.get(relative))
    for number, line in enumerate(lines, 1):
        for token in line.split():
            word = token.strip(EDGE_PUNCTUATION)
            if not WORD.match(word):
                continue  # code, numbers, paths, addresses
            rest = word.replace("-", "")[1:]
            if rest and not rest.islower():
                continue  # acronyms (DNS, TCP) and identifiers (IPv6, macOS)
            yield Word(relative, number, word)


def project_words() -> set[str]:
    lines = WORDS.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def hunspell_unknown(words: set[str]) -> set[str]:
    """The subset of ``words`` the pt_BR dictionary does not know."""
    binary = shutil.which("hunspell")
    if binary is None:
        raise SpellingUnavailable(MISSING_HUNSPELL)
    result = subprocess.run(
        [binary, "-d", DICTIONARY, "-i", "utf-8", "-l"],
        input="\n".join(sorted(words)),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if result.returncode != 0 or "Can't open" in result.stderr:
        raise SpellingUnavailable(MISSING_DICTIONARY)
    return set(result.stdout.split())


@functools.cache
def unavailable_reason() -> str | None:
    """Why Hunspell's pt_BR dictionary cannot be used here (``None``: it can).

    Asked once per process, without loading the dictionary (a third of a
    second): ``hunspell -D`` lists the dictionaries it finds, and ``-d ""``
    keeps it from loading the locale's own.
    """
    binary = shutil.which("hunspell")
    if binary is None:
        return MISSING_HUNSPELL
    listing = subprocess.run(
        [binary, "-D", "-d", ""],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    found = listing.stdout + listing.stderr
    if not re.search(rf"^\S*[/\\]{DICTIONARY}$", found, re.MULTILINE):
        return MISSING_DICTIONARY
    return None


def accepted(word: str, known: set[str]) -> bool:
    """In the project list as written, or capitalized at a sentence start."""
    return word in known or word[:1].lower() + word[1:] in known


def misspelled(files: Iterable[Path] | None = None) -> list[Word]:
    found = [w for path in files or checked_files() for w in words_in(path)]
    known = project_words()
    candidates = {w.text for w in found if not accepted(w.text, known)}
    unknown = hunspell_unknown(candidates) if candidates else set()

    def wrong(word: str) -> bool:
        # Hunspell may report a part of a hyphenated word ("docker" of
        # "docker-compose"): the part counts unless the project lists it.
        parts = word.split("-")
        return word in unknown or any(
            part in unknown and not accepted(part, known) for part in parts
        )

    return [w for w in found if w.text in candidates and wrong(w.text)]


def main() -> int:
    try:
        wrong = misspelled()
    except SpellingUnavailable as exc:
        print(f"erro: {exc}.", file=sys.stderr)
        return 2
    for word in wrong:
        print(f"{word.path}:{word.line}: {word.text}")
    if wrong:
        print(
            f"\n{len(wrong)} palavra(s) desconhecida(s). Corrija a grafia ou, se "
            "estiver certa (termo técnico, nome próprio), acrescente-a a "
            "tests/palavras.txt.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
