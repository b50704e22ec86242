"""The Zensical comparison spots what would make a build fetch from a third party,
and says what a Zensical build keeps of search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.compare_zensical import FETCHING, search_notes


@pytest.mark.parametrize(
    "markup",
    [
        '<script src="https://cdn.example.com/mermaid.js"></script>',
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?x">',
        '<link rel="preconnect" href="//fonts.gstatic.com">',
        '<img alt="" src="https://img.example.com/a.png">',
        "body { background: url('https://example.com/a.png') }",
    ],
)
def test_third_party_fetches_are_found(markup: str) -> None:
    assert FETCHING.search(markup)


@pytest.mark.parametrize(
    "markup",
    [
        '<link rel="canonical" href="https://example.com/pagina/">',
        '<a href="https://docs.python.org/3/">Python</a>',
        '<script src="../assets/javascripts/bundle.js"></script>',
        "body { background: url('../img/a.png') }",
    ],
)
def test_links_and_local_assets_are_not_requests(markup: str) -> None:
    assert not FETCHING.search(markup)


def test_search_notes_trim_a_zensical_index_and_say_what_stays_behind(
    tmp_path: Path,
) -> None:
    """Zensical's index (``search.json``, ``items``) loses its program listings
    and gets no hidden fields: its search would show them."""
    zensical = tmp_path / "zensical"
    (zensical / "uso").mkdir(parents=True)
    listing = "<pre><code>import socket\n</code></pre>"
    output = "<pre><code>Conexão recusada.\n</code></pre>"
    (zensical / "uso" / "index.html").write_text(
        f'<div class="language-python highlight">{listing}</div>'
        f'<div class="language-text highlight">{output}</div>',
        encoding="utf-8",
    )
    config = {"lang": ["pt"], "separator": r"[\s\-]+"}
    item = {
        "location": "uso/",
        "title": "Uso",
        "text": f"<p>Exceção</p>{listing}{output}",
    }
    index = zensical / "search.json"
    index.write_text(json.dumps({"config": config, "items": [item]}), "utf-8")
    mkdocs = tmp_path / "mkdocs"
    (mkdocs / "search").mkdir(parents=True)
    (mkdocs / "search" / "indice.json").write_text("{}", encoding="utf-8")

    notes = search_notes(mkdocs, zensical)

    assert "sem 1 listagens de programas" in notes[0], notes
    assert "só no MkDocs" in notes[1], notes
    shaped = json.loads(index.read_text(encoding="utf-8"))
    assert shaped["items"] == [{**item, "text": f"<p>Exceção</p>{output}"}]
    assert "fields" not in shaped["config"]
