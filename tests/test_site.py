"""The site builds with ``--strict``: broken links, anchors or includes fail."""

from __future__ import annotations

import inspect
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

# Google-style section headers and the pt-BR titles the template override gives them.
SECTION_TITLES = {"Args": "Parâmetros:", "Returns": "Retorna:", "Raises": "Levanta:"}
# Sections whose first table column comes from the docstring (a name, an
# exception); the "Retorna" column shows the annotation instead.
NAMED_SECTIONS = {"Parâmetros:", "Levanta:"}


def test_site_builds_strict(built_site: Path) -> None:
    pages = sorted(p.relative_to(built_site) for p in built_site.rglob("index.html"))
    assert Path("index.html") in pages
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "--8&lt;--" not in home
    assert "--8<--" not in home
    assert "ConnectionRefusedError" in home


def inline(text: str) -> str:
    """Markdown inline text as the reader sees it: `code` kept, bold dropped."""
    return " ".join(text.replace("**", "").split())


def docstring_units(doc: str) -> list[str]:
    """What a Google-style docstring should show, in order, one unit a block.

    A unit is a paragraph, a list item, a section title, a name or exception
    from a section's entry, or that entry's description. Inline code stays
    between backticks, as the rendered page's ``<code>`` is read back.
    """
    lines = inspect.cleandoc(doc).splitlines()
    units: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if block:
            units.append(inline(" ".join(block)))
            block.clear()

    section = None
    for line in lines:
        header = line.rstrip(":")
        if line.endswith(":") and header in SECTION_TITLES:
            flush()
            section = SECTION_TITLES[header]
            units.append(section)
        elif section is None:
            if not line.strip() or line.startswith("- "):
                flush()
            block.append(line.removeprefix("- "))
        elif line.startswith("    ") and not line.startswith("     "):
            flush()  # a new entry: "    name: description"
            entry = line.strip()
            if section in NAMED_SECTIONS:
                name, entry = entry.split(": ", 1)
                units.append(f"`{name}`")
            block.append(entry)
        else:
            block.append(line)
    flush()
    return [unit for unit in units if unit]


class RenderedDoc(HTMLParser):
    """The units of one object's rendered docstring, read from its HTML."""

    BLOCKS = ("p", "li")

    def __init__(self) -> None:
        super().__init__()
        self.units: list[str] = []
        self.stray_backticks: list[str] = []
        self.open: list[list[str]] = []  # innermost block last
        self.section = ""
        self.cell = -1  # column of the current table cell
        self.in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.open.append([])
        elif tag == "tr":
            self.cell = -1
        elif tag == "td":
            self.cell += 1
            if self.cell == 0 and self.section in NAMED_SECTIONS:
                self.open.append([])
        elif tag == "code":
            self.in_code += 1
            self.text("`")

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self.in_code -= 1
            self.text("`")
        elif tag in self.BLOCKS or (
            tag == "td" and self.cell == 0 and self.section in NAMED_SECTIONS
        ):
            unit = inline("".join(self.open.pop()))
            if unit:
                self.units.append(unit)
                if unit in NAMED_SECTIONS or unit == SECTION_TITLES["Returns"]:
                    self.section = unit

    def handle_data(self, data: str) -> None:
        if "`" in data and not self.in_code:
            self.stray_backticks.append(data)  # Markdown left a backtick as text
        self.text(data)

    def text(self, data: str) -> None:
        if self.open:
            self.open[-1].append(data)


def rendered_units(html: str, identifier: str) -> RenderedDoc:
    """Read the docstring that the page shows under the heading ``identifier``."""
    start = html.index(f'id="{identifier}"')
    contents = html.index('class="doc doc-contents', start)
    # The object's contents end where the next object or heading begins.
    end = re.compile(r'<div class="doc doc-object|<h[1-6][ >]').search(html, contents)
    parser = RenderedDoc()
    parser.feed(html[html.index(">", contents) + 1 : end.start() if end else None])
    parser.close()
    return parser


@pytest.fixture(scope="module")
def reference(built_site: Path) -> str:
    return (built_site / "referencia" / "index.html").read_text(encoding="utf-8")


def recipe_names() -> list[str]:
    import recipes

    return list(recipes.__all__)


@pytest.mark.parametrize("name", recipe_names())
def test_reference_renders_the_whole_docstring(reference: str, name: str) -> None:
    import recipes

    assert f'id="recipes.{name}"' in reference
    rendered = rendered_units(reference, f"recipes.{name}")
    expected = docstring_units(getattr(recipes, name).__doc__)
    assert len(expected) > 4  # summary, body, at least one section and entry
    assert rendered.units == expected
    assert rendered.stray_backticks == []


def test_reference_section_titles_are_portuguese(reference: str) -> None:
    titles = set(re.findall(r'doc-section-title">([^<]+)<', reference))
    assert titles == set(SECTION_TITLES.values())


DOCSTRING = """Faz `algo` útil.

    Um parágrafo com **ênfase**
    em duas linhas.

    - um item;
    - outro item,
      em duas linhas.

    Args:
        host: Nome do
            serviço.

    Returns:
        Um número.

    Raises:
        ValueError: Valor `ruim`.
    """


def test_docstring_units_follow_the_rendering_order() -> None:
    assert docstring_units(DOCSTRING) == [
        "Faz `algo` útil.",
        "Um parágrafo com ênfase em duas linhas.",
        "um item;",
        "outro item, em duas linhas.",
        "Parâmetros:",
        "`host`",
        "Nome do serviço.",
        "Retorna:",
        "Um número.",
        "Levanta:",
        "`ValueError`",
        "Valor `ruim`.",
    ]


RENDERED = """<h2 id="m.f">f</h2><div class="doc doc-contents first">
<p>Faz <code>algo</code> útil.</p><p>Solto ` aqui.</p>
<p><span class="doc-section-title">Parâmetros:</span></p><table><tbody>
<tr class="doc-section-item"><td><code>host</code></td><td><code>str</code></td>
<td><div><p>Nome do serviço.</p></div></td><td><em>obrigatório</em></td></tr>
</tbody></table>
<p><span class="doc-section-title">Retorna:</span></p><table><tbody>
<tr class="doc-section-item"><td><code>int</code></td><td><p>Um número.</p></td></tr>
</tbody></table></div><div class="doc doc-object"><p>Outro objeto.</p></div>"""


def test_rendered_units_read_one_object_and_flag_loose_backticks() -> None:
    rendered = rendered_units(RENDERED, "m.f")
    assert rendered.units == [
        "Faz `algo` útil.",
        "Solto ` aqui.",
        "Parâmetros:",
        "`host`",
        "Nome do serviço.",
        "Retorna:",
        "Um número.",
    ]
    assert rendered.stray_backticks == ["Solto ` aqui."]
