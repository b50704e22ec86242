"""The site builds with ``--strict``: broken links, anchors or includes fail."""

from __future__ import annotations

from pathlib import Path


def test_site_builds_strict(built_site: Path) -> None:
    pages = sorted(p.relative_to(built_site) for p in built_site.rglob("index.html"))
    assert Path("index.html") in pages
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "--8&lt;--" not in home
    assert "--8<--" not in home
    assert "ConnectionRefusedError" in home
