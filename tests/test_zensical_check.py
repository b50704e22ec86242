"""The Zensical comparison spots what would make a build fetch from a third party."""

from __future__ import annotations

import pytest

from scripts.compare_zensical import FETCHING


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
