"""The built site in a real browser: offline, complete, searchable, accessible.

Chromium is Debian's (/usr/bin/chromium); axe-core comes from npm
(tests/browser). Where either is missing the tests skip with the reason, unless
REQUIRE_BROWSER=1 (set by .ci/run), where they fail instead.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.site import CHROMIUM, CHROMIUM_ARGS, PAGES

AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
WIDTHS = {"desktop": 1280, "mobile": 375}


def require(available: bool, reason: str) -> None:
    """Skip locally, fail where the browser tests are required."""
    if available:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """The test reads the browser's view, not the server's log."""


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=2)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class Visit:
    """One page load with every request, failure and console error recorded."""

    def __init__(
        self, browser: object, url: str, width: int = 1280, scheme: str = "light"
    ) -> None:
        # The palettes follow prefers-color-scheme: "dark" loads the slate one.
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme
        )
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.failures: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failures.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type == "error" else None,
        )
        self.page.goto(url, wait_until="networkidle")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: object, site_url: str) -> Iterator[object]:
    visits: list[Visit] = []

    def open_page(path: str, width: int = 1280, scheme: str = "light") -> Visit:
        visits.append(Visit(browser, site_url + path, width, scheme))
        return visits[-1]

    yield open_page
    for v in visits:
        v.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_and_complete(path: str, visit, site_url: str) -> None:
    v = visit(path)
    outside = [
        url for url in v.requests if not url.startswith((site_url, "data:", "blob:"))
    ]
    assert outside == [], "requests leaving loopback"
    assert v.failures == []
    assert v.errors == []
    text = v.page.inner_text("body")
    assert "--8<--" not in text, "an include was not resolved"
    blocks = v.page.locator(".md-content pre > code").count()
    copy = ".md-content .md-code__button[data-md-type='copy']"
    buttons = v.page.locator(copy).count()
    assert buttons == blocks, f"{blocks} code blocks, {buttons} copy buttons"
    for svg in v.page.locator(".md-content svg[role='img']").all():
        box = svg.bounding_box()
        assert box is not None
        assert box["width"] > 100
        assert box["height"] > 100


@pytest.mark.parametrize("word", ["recusada", "servidor", "contêiner"])
def test_search_in_portuguese_finds_pages(word: str, visit) -> None:
    v = visit("")
    v.page.locator(".md-search__input").click()
    v.page.keyboard.type(word, delay=20)  # Material listens to key events
    results = v.page.locator(".md-search-result__item")
    results.first.wait_for(timeout=5000)
    assert results.count() > 0
    meta = v.page.inner_text(".md-search-result__meta")
    assert "encontrado" in meta, meta  # the pt-BR interface: "N documentos..."


def test_palette_toggle_switches_light_and_dark(visit) -> None:
    v = visit("")

    def scheme() -> str:
        return v.page.get_attribute("body", "data-md-color-scheme")

    start = scheme()
    v.page.locator("form[data-md-component='palette'] label:visible").first.click()
    after = scheme()
    assert {start, after} == {"default", "slate"}


def axe_violations(page: object) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact,"
        " targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['targets']}"  # e.g. color-contrast
        for v in result
        if v["impact"] in BLOCKING_IMPACTS
    ]


@pytest.fixture(scope="session")
def axe_pages(browser: object) -> Iterator[dict[tuple[int, str], object]]:
    """One reusable tab per (width, colour scheme): axe runs navigate it."""
    contexts = {}
    pages = {}
    for width in WIDTHS.values():
        for scheme in ("light", "dark"):
            context = browser.new_context(
                viewport={"width": width, "height": 900}, color_scheme=scheme
            )
            contexts[width, scheme] = context
            pages[width, scheme] = context.new_page()
    yield pages
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violation(
    path: str, width: str, scheme: str, axe_pages, site_url: str
) -> None:
    require(AXE.exists(), "axe-core missing: run npm ci --prefix tests/browser")
    page = axe_pages[WIDTHS[width], scheme]
    page.goto(site_url + path, wait_until="load")
    expected = "slate" if scheme == "dark" else "default"
    assert page.get_attribute("body", "data-md-color-scheme") == expected
    assert axe_violations(page) == []
