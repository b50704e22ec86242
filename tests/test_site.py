"""The site builds with ``--strict``: broken links, anchors or includes fail."""

from __future__ import annotations

import re
from pathlib import Path


def test_site_builds_strict(built_site: Path) -> None:
    pages = sorted(p.relative_to(built_site) for p in built_site.rglob("index.html"))
    assert Path("index.html") in pages
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "--8&lt;--" not in home
    assert "--8<--" not in home
    assert "ConnectionRefusedError" in home


def test_reference_renders_every_recipe_in_portuguese(built_site: Path) -> None:
    import recipes

    html = (built_site / "referencia" / "index.html").read_text(encoding="utf-8")
    for name in recipes.__all__:
        assert f'id="recipes.{name}"' in html, name
        first_line = getattr(recipes, name).__doc__.splitlines()[0]
        assert first_line.split("`")[0] in html, name
    titles = set(re.findall(r'doc-section-title">([^<]+)<', html))
    assert titles == {"Parâmetros:", "Retorna:", "Levanta:"}
