"""A reader can take every snippet shown whole, and it runs as downloaded.

Each page links the file under ``codigo/`` (overrides/hooks/downloads.py). The
test fetches every link from the built site over loopback, checks the bytes
against snippets/, then runs each file that imports a sibling module
(``recipes``) in a temporary folder holding only what that paragraph links,
with ``python -E -s`` (no PYTHONPATH, no user site): if the page forgot the
sibling, the reader's ModuleNotFoundError shows here. Those files only connect
to 127.0.0.1.
"""

from __future__ import annotations

import ast
import posixpath
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.serving import serve
from tests.site import DOCS, PAGES, SNIPPETS, includes


@pytest.fixture(scope="module")
def served(built_site: Path) -> Iterator[str]:
    with serve(built_site) as port:
        yield f"http://127.0.0.1:{port}/"


class DownloadLinks(HTMLParser):
    """Groups of links in each download paragraph (<p class="baixar">)."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[list[tuple[str, str]]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "p" and attributes.get("class") == "baixar":
            self._inside = True
            self.groups.append([])
        elif tag == "a" and self._inside:
            self.groups[-1].append((attributes["href"], attributes.get("download")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._inside = False


def page_links(built_site: Path, path: str) -> list[list[tuple[str, str]]]:
    parser = DownloadLinks()
    parser.feed((built_site / path / "index.html").read_text(encoding="utf-8"))
    return parser.groups


def whole_file_includes(path: str) -> list[str]:
    source = DOCS / (path.rstrip("/") or "index")
    source = source / "index.md" if source.is_dir() else source.with_suffix(".md")
    return [
        i.path for i in includes(source) if i.path.endswith(".py") and not i.section
    ]


def imports_a_sibling(source: bytes) -> bool:
    """Whether the file imports a module that lives in snippets/ beside it."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return any((SNIPPETS / f"{name}.py").exists() for name in names)


@pytest.mark.parametrize("path", PAGES)
def test_every_whole_snippet_has_a_download_link(built_site: Path, path: str) -> None:
    linked = [group[0][1] for group in page_links(built_site, path)]
    expected = [posixpath.basename(p) for p in whole_file_includes(path)]
    assert linked == expected


@pytest.mark.parametrize("path", PAGES)
def test_downloaded_snippets_run_side_by_side(
    built_site: Path, served: str, path: str, tmp_path: Path
) -> None:
    for group in page_links(built_site, path):
        folder = tmp_path / group[0][1].removesuffix(".py")
        folder.mkdir()
        for href, name in group:
            url = urljoin(served + path, href)
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                body = response.read()
            relative = urljoin(served, url).removeprefix(served + "codigo/")
            assert body == (SNIPPETS / relative).read_bytes(), url
            (folder / name).write_bytes(body)
        if not imports_a_sibling((folder / group[0][1]).read_bytes()):
            continue  # a file on its own; the snippet tests run it
        result = subprocess.run(
            [sys.executable, "-E", "-s", group[0][1]],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        # A program may end non-zero by design (a service that gives up on a
        # refused database, docs/programas/systemd.md); a missing sibling
        # ends in a traceback.
        assert "Traceback" not in result.stderr, result.stderr
        assert "Error" not in result.stderr, result.stderr
