"""What the Markdown sources include, read the way pymdownx.snippets reads it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from tests.paths import DOCS, ROOT, SNIPPETS

__all__ = ["DOCS", "ROOT", "SNIPPETS"]  # and the readers below

# `--8<-- "file"` or `--8<-- "file:section"`; a leading `;` escapes the line.
INCLUDE = re.compile(r'^(?P<indent>\s*)(?P<escape>;?)-{1,}8<-{1,}\s+"(?P<spec>[^"]+)"')
MKDOCSTRINGS = re.compile(r"^\s*:::\s+(?P<identifier>[\w.]+)")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^\n]*)$")
PYTHON_LANGS = {"py", "python", "python3", "pycon", "py3"}


@dataclass(frozen=True)
class Include:
    page: Path
    line: int
    path: str
    section: str | None


def markdown_sources() -> list[Path]:
    """Every Markdown file that can include snippets (pages and included .md)."""
    return sorted([*DOCS.rglob("*.md"), *SNIPPETS.rglob("*.md")])


def includes(page: Path) -> list[Include]:
    """The snippet includes of ``page``, read once per version of the file
    (the corpus asks for each page's includes once per recorded output)."""
    stat = page.stat()
    return list(_includes(page, stat.st_mtime_ns, stat.st_size))


@functools.cache
def _includes(page: Path, mtime_ns: int, size: int) -> tuple[Include, ...]:
    del mtime_ns, size  # the cache key: a rewritten page is read again
    found = []
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        match = INCLUDE.match(line)
        if match and not match["escape"]:
            path, _, section = match["spec"].partition(":")
            found.append(Include(page, number, path, section or None))
    return tuple(found)


def documented_modules(page: Path) -> list[str]:
    """Modules rendered by mkdocstrings (``::: module.function``) on ``page``."""
    text = page.read_text(encoding="utf-8")
    return [m["identifier"] for m in map(MKDOCSTRINGS.match, text.splitlines()) if m]


def module_file(identifier: str) -> Path | None:
    """The file under snippets/ that defines the module of ``identifier``."""
    parts = identifier.split(".")
    for end in range(len(parts), 0, -1):
        base = SNIPPETS.joinpath(*parts[:end])
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.exists():
                return candidate
    return None


def python_fences(page: Path) -> list[tuple[int, list[str]]]:
    """(line, body lines) of each Python-like fenced block on ``page``."""
    blocks: list[tuple[int, list[str]]] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        fence, start = match["fence"], index
        info = match["info"].strip().lstrip("{").lstrip(".")
        language = info.split()[0].lower() if info else ""
        index += 1
        body = []
        while index < len(lines) and lines[index].strip() != fence:
            body.append(lines[index])
            index += 1
        index += 1
        if language in PYTHON_LANGS:
            blocks.append((start + 1, body))
    return blocks


def section_names(path: Path) -> set[str]:
    """Snippet sections (``# --8<-- [start:name]``) defined in ``path``."""
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r"--8<--\s*\[start:([\w-]+)\]", text))


def page_paths() -> list[str]:
    """URL path of every page, from docs/ (use_directory_urls)."""
    paths = []
    for source in sorted(DOCS.rglob("*.md")):
        relative = source.relative_to(DOCS).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "index":
            parts.pop()
        paths.append("".join(f"{part}/" for part in parts))
    return paths


PAGES = page_paths()


def site_prefix() -> str:
    """The URL path of site_url in mkdocs.yml, e.g. ``/connectionrefusederror/``."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    url = re.search(r"^site_url:\s*(\S+)", text, re.MULTILINE)[1]
    path = "/" + url.split("://", 1)[-1].partition("/")[2]
    return path if path.endswith("/") else path + "/"


SITE_PREFIX = site_prefix()
