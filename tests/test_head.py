"""Every built page's <head> is well-formed and says what a preview needs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.site import DOCS, PAGES, SITE_PREFIX

SITE_URL = re.search(
    r"^site_url:\s*(\S+)", (DOCS.parent / "mkdocs.yml").read_text(), re.MULTILINE
)[1]
SOCIAL = [
    "og:type",
    "og:locale",
    "og:site_name",
    "og:title",
    "og:description",
    "og:url",
    "og:image",
    "twitter:card",
    "twitter:title",
    "twitter:description",
    "twitter:image",
]
KNOWN_META = {"charset", "name", "property", "content"}


class Head(HTMLParser):
    """The <html> attributes and the tags inside <head>, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html: dict[str, str | None] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._where: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "html":
            self.html = dict(attrs)
        elif "head" in self._where and tag in {"meta", "link"}:
            self.tags.append((tag, dict(attrs)))
        if tag in {"head", "title"}:
            self._where.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._where and self._where[-1] == tag:
            self._where.pop()

    def handle_data(self, data: str) -> None:
        if self._where and self._where[-1] == "title":
            self.title += data

    def meta(self, key: str) -> list[str]:
        return [
            a.get("content") or ""
            for tag, a in self.tags
            if tag == "meta" and key in (a.get("name"), a.get("property"))
        ]

    def links(self, rel: str) -> list[str]:
        return [a.get("href") or "" for t, a in self.tags if a.get("rel") == rel]


def front_matter_description(path: str) -> str | None:
    source = DOCS / (path.rstrip("/") or "index")
    source = source / "index.md" if source.is_dir() else source.with_suffix(".md")
    match = re.search(r"^description:\s*(.+)$", source.read_text(), re.MULTILINE)
    return match[1].strip() if match else None


def parse(built_site: Path, path: str) -> Head:
    head = Head()
    head.feed((built_site / path / "index.html").read_text(encoding="utf-8"))
    return head


@pytest.mark.parametrize("path", PAGES)
def test_head_is_well_formed_with_description_title_and_canonical(
    built_site: Path, path: str
) -> None:
    head = parse(built_site, path)
    assert head.html.get("lang") == "pt-BR"
    for tag, attrs in head.tags:  # a quote in a value would leave junk attributes
        if tag == "meta":
            assert set(attrs) <= KNOWN_META, attrs
    [description] = head.meta("description")
    assert description == front_matter_description(path)
    assert head.title.strip()
    assert head.links("canonical") == [SITE_URL + path]
    for key in SOCIAL:
        [value] = head.meta(key)
        assert value, key
    assert head.meta("og:description") == [description]
    assert head.meta("og:url") == [SITE_URL + path]
    assert head.links("icon")[0].endswith("assets/icone.svg"), "the SVG first"
    image = head.meta("og:image")[0]
    assert image.startswith(SITE_URL)
    assert (built_site / image.removeprefix(SITE_URL)).is_file()


def test_descriptions_and_titles_are_unique(built_site: Path) -> None:
    heads = [parse(built_site, path) for path in PAGES]
    descriptions = [head.meta("description")[0] for head in heads]
    titles = [head.title.strip() for head in heads]
    assert len(set(descriptions)) == len(PAGES)
    assert len(set(titles)) == len(PAGES)


def test_not_found_page_speaks_portuguese(built_site: Path) -> None:
    html = (built_site / "404.html").read_text(encoding="utf-8")
    head = Head()
    head.feed(html)
    assert head.html.get("lang") == "pt-BR"
    assert "Página não encontrada" in head.title
    assert "Not found" not in html
    for page in ("armadilhas/", "diagnostico/", "referencia/"):
        assert f'href="{SITE_PREFIX}{page}"' in html, page


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


@pytest.mark.parametrize("path", ["", "servicos/postgresql/"])
def test_pages_offer_png_icons(built_site: Path, path: str) -> None:
    """Beside the SVG: a 32 px PNG icon (browsers without SVG favicons) and the
    180 px apple-touch-icon (phones' home screens), drawn by scripts/icons.py."""
    head = parse(built_site, path)
    pngs = {
        a["rel"]: a["href"]
        for t, a in head.tags
        if t == "link" and (a.get("href") or "").endswith(".png")
    }
    page = built_site / path
    sizes = {rel: png_size((page / href).resolve()) for rel, href in pngs.items()}
    assert sizes == {"icon": (32, 32), "apple-touch-icon": (180, 180)}
