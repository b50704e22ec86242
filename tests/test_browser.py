"""The built site in a real browser: offline, complete, searchable, accessible.

Chromium is Debian's (/usr/bin/chromium); axe-core comes from npm
(tests/browser). Where either, or Playwright, is missing the tests skip with
the reason, unless REQUIRE_BROWSER=1 (set by .ci/run), where they fail instead.

Every browser visit runs once per session, two at a time, in the background
from the start of the session (``tests/early.py``); the tests below only read
what each visit recorded. A visit is one page in one state: a palette (light,
dark), a width (1280 px, or 375 px with touch emulation, where Material drops
the code blocks' tabindex), and for some pages the search open, the drawer
open, or the 404 page. A dark visit is its light visit with the palette
switched in place. What readers type into the search is in test_search.py.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import os
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.early import EARLY
from tests.site import CHROMIUM, CHROMIUM_ARGS, PAGES

AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Best-practice rules that must hold too; the others are reported by
# scripts/benchmark.py, not enforced.
REQUIRED_BEST_PRACTICE = ["aria-allowed-role", "landmark-unique"]
WIDTHS = {"desktop": 1280, "mobile": 375}
SCHEMES = ["light", "dark"]
SEARCH_WORD = "recusada"  # typed with the search open (test_search.py types more)
# Pages at a time. Two keep both cores busy; more only add switching between
# renderers (about 10 % more CPU for the same visits, measured on 2 cores).
PARALLEL = 2
# Waits poll every 20 ms: a page that is not in front gets no animation
# frames, and the default polling on them stalls until the next one.
POLL = 20
# The first test sets up every visit of the session at once.
pytestmark = pytest.mark.timeout(240)


def require(available: bool, reason: str) -> None:
    """Skip locally, fail where the browser tests are required."""
    if available:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


def playwright_api() -> object:
    """playwright.async_api, or a skip (a failure under REQUIRE_BROWSER=1)."""
    try:
        return importlib.import_module("playwright.async_api")
    except ImportError as error:
        require(False, f"Playwright unavailable: {error}")


@pytest.mark.parametrize("required", ["1", ""])
def test_missing_playwright_skips_or_fails_when_required(
    required: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "playwright.async_api", None)
    monkeypatch.setenv("REQUIRE_BROWSER", required)
    expected = pytest.fail.Exception if required else pytest.skip.Exception
    with pytest.raises(expected, match="Playwright unavailable"):
        playwright_api()


@dataclass(frozen=True)
class Visit:
    path: str
    width: int = 1280
    scheme: str = "light"
    state: str = "load"  # load, search:<word>, drawer, palette


@dataclass
class Seen:
    """What one visit recorded."""

    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    violations: list[dict] = field(default_factory=list)


FACTS = """() => {
  const box = (e) => e.getBoundingClientRect();
  const split = [...document.querySelectorAll('.md-typeset td code')]
    .filter((c) => !/\\s/.test(c.textContent.trim()) && !c.querySelector('wbr'))
    .filter((c) => c.getClientRects().length > 1)
    .map((c) => c.textContent);
  const wide = [...document.querySelectorAll('.md-typeset table')]
    .filter((t) => box(t).right > innerWidth + 1)
    .map((t) => t.querySelector('th') ? t.querySelector('th').textContent : '?');
  return {
    lang: document.documentElement.lang,
    h1: (document.querySelector('h1') || {}).textContent || '',
    text: document.body.innerText,
    scheme: document.body.getAttribute('data-md-color-scheme'),
    blocks: document.querySelectorAll('.md-content pre > code').length,
    buttons: document.querySelectorAll(
      ".md-content .md-code__button[data-md-type='copy']").length,
    svgs: [...document.querySelectorAll(".md-content svg[role='img']")]
      .map((s) => [box(s).width, box(s).height]),
    links: [...document.querySelectorAll('.md-content a[href]')].map((a) => a.href),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: innerWidth,
    splitIdentifiers: split,
    tablesOffScreen: wide,
  };
}"""

AXE_RUN = """async ([tags, extra]) => (await axe.run(document, {
  runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  rules: Object.fromEntries(extra.map((id) => [id, {enabled: true}])),
})).violations.map((v) => ({id: v.id, impact: v.impact, tags: v.tags,
  targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))"""


AXE_COLOURS = """async () => (await axe.run(document, {
  runOnly: {type: 'rule', values: ['color-contrast', 'link-in-text-block']},
  resultTypes: ['violations'],
})).violations.map((v) => ({id: v.id, impact: v.impact, tags: v.tags,
  targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))"""


# Material's page script has run (it names the search dialog): the page is
# ready for the checks without waiting for the network to go idle.
READY = "document.querySelector('.md-search[aria-label]') !== null"
# Every transition has ended: a search box still fading in (opacity, 250 ms)
# would be measured with its text half transparent.
SETTLED = "document.getAnimations().every((a) => a.playState !== 'running')"
# The search box has the focus (on a phone, only once the search has opened).
SEARCH_FOCUSED = "document.activeElement.matches('input.md-search__input')"
# Colours switch at once: a colour still in transition would be measured.
SET_SCHEME = """(scheme) => {
  if (!document.getElementById('sem-transicao')) {
    const style = document.createElement('style');
    style.id = 'sem-transicao';
    style.textContent = '*, *::before, *::after { transition: none !important; }';
    document.head.append(style);
  }
  document.body.setAttribute('data-md-color-scheme', scheme);
  return getComputedStyle(document.body).backgroundColor;
}"""


async def type_query(page: object, text: str) -> None:
    """Enter ``text`` into the focused search box and set off one search.

    Typed key by key, every key would start a search whose answer nobody
    reads. The text goes in as input, and one real key (End: Material searches
    on ``keyup``) sets off the search that counts. On a phone, the search moves
    the caret once it has slid open; text entered in one piece cannot be split
    by that.
    """
    await page.keyboard.insert_text(text)
    await page.keyboard.press("End")


class Tabs:
    """Browser tabs reused across plain page loads of the same kind.

    A new browser context costs a renderer process and cold caches (about
    twice the time of the page load itself), so plain loads reuse tabs. The
    visits whose every request is checked reuse tabs with the HTTP cache off:
    each of their loads asks the server for everything again, as a first
    visit does. Visits that change a page's state (search, drawer, palette,
    which Material also stores in localStorage) get a fresh context.
    """

    def __init__(self, browser: object) -> None:
        self.browser = browser
        self.free: dict[tuple[int, str, bool], list[object]] = {}

    async def take(self, visit: Visit) -> object:
        key = tab_kind(visit)
        if key is not None and self.free.get(key):
            return self.free[key].pop()
        mobile = visit.width < 600
        context = await self.browser.new_context(
            viewport={"width": visit.width, "height": 900},
            color_scheme=visit.scheme,
            has_touch=mobile,
            is_mobile=mobile,
        )
        # axe is in every page of the context before the page's own scripts,
        # instead of being sent again with each visit.
        await context.add_init_script(path=str(AXE))
        page = await context.new_page()
        if checks_requests(visit):
            cdp = await context.new_cdp_session(page)
            await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        return page

    def give_back(self, visit: Visit, page: object) -> None:
        key = tab_kind(visit)
        if key is None:
            asyncio.ensure_future(page.context.close())
        else:
            self.free.setdefault(key, []).append(page)


def checks_requests(visit: Visit) -> bool:
    """The visits read by the offline-and-complete test."""
    return visit.state == "load" and (visit.width, visit.scheme) == (1280, "light")


def tab_kind(visit: Visit) -> tuple[int, str, bool] | None:
    """The pool a visit's tab comes from; None for a fresh context."""
    if visit.state != "load":
        return None
    return (visit.width, visit.scheme, checks_requests(visit))


async def _visit(
    tabs: Tabs, base: str, visit: Visit, dark_too: bool = False
) -> dict[Visit, Seen]:
    """The visit's record, and with ``dark_too`` the same page's in the dark
    palette: the colour scheme is switched in place, not loaded again."""
    seen = Seen()
    results = {visit: seen}
    page = await tabs.take(visit)
    handlers = {
        "request": lambda r: seen.requests.append(r.url),
        "requestfailed": lambda r: seen.failures.append(r.url),
        "pageerror": lambda e: seen.errors.append(str(e)),
        "console": lambda m: seen.errors.append(m.text) if m.type == "error" else None,
    }
    for event, handler in handlers.items():
        page.on(event, handler)
    try:
        # Only the visits that check every request wait for the network to
        # settle; the others start as soon as the page script has run.
        idle = checks_requests(visit)
        await page.goto(base + visit.path, wait_until="networkidle" if idle else "load")
        await page.wait_for_function(READY, polling=POLL)
        seen.facts["before_search"] = list(seen.requests)
        if visit.state.startswith("search:"):
            await page.keyboard.press("/")  # Material's shortcut opens search
            await page.wait_for_function(SEARCH_FOCUSED, polling=POLL)
            await type_query(page, visit.state.partition(":")[2])
            items = page.locator(".md-search-result__item")
            await items.first.wait_for(timeout=5000)
            seen.facts["results"] = await items.count()
            seen.facts["meta"] = await page.inner_text(".md-search-result__meta")
        elif visit.state == "drawer":
            await page.locator("label[for='__drawer']:visible").first.click()
            await page.locator(".md-sidebar--primary").wait_for(state="visible")
        elif visit.state == "palette":
            before = await page.get_attribute("body", "data-md-color-scheme")
            toggle = "form[data-md-component='palette'] label:visible"
            await page.locator(toggle).first.click()
            after = await page.get_attribute("body", "data-md-color-scheme")
            seen.facts["schemes"] = [before, after]
            return results
        await page.wait_for_function(SETTLED, polling=POLL)
        seen.facts.update(await page.evaluate(FACTS))
        seen.violations = await page.evaluate(
            AXE_RUN, [AXE_TAGS, REQUIRED_BEST_PRACTICE]
        )
        if dark_too:
            # What Material's palette toggle does to the page, without
            # storing the choice in the reused tab.
            dark = Seen(seen.requests, seen.failures, seen.errors, dict(seen.facts))
            results[replace(visit, scheme="dark")] = dark
            await page.evaluate(SET_SCHEME, "slate")
            dark.facts.update(await page.evaluate(FACTS))
            # Only colours change with the palette: the DOM the other rules
            # read is the one just checked in the light palette.
            dark.violations = await page.evaluate(AXE_COLOURS)
            await page.evaluate(SET_SCHEME, "default")
    except Exception as error:  # recorded, and reported by the visit's test
        seen.errors.append(f"visit failed: {error!r}")
        if dark_too:  # its dark visit fails with it
            results.setdefault(replace(visit, scheme="dark"), Seen(errors=seen.errors))
    finally:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)
        tabs.give_back(visit, page)
    return results


def rides_on_light(visit: Visit) -> bool:
    """A dark visit is the light one with the palette switched in place."""
    return visit.scheme == "dark" and visit.state != "palette"


def visits() -> list[Visit]:
    planned = [
        Visit(path, width, scheme)
        for path in PAGES
        for width in WIDTHS.values()
        for scheme in SCHEMES
    ]
    for width in WIDTHS.values():
        for scheme in SCHEMES:
            planned.append(Visit("", width, scheme, f"search:{SEARCH_WORD}"))
            planned.append(Visit("404.html", width, scheme))
    planned += [Visit("", 375, scheme, "drawer") for scheme in SCHEMES]
    planned.append(Visit("", state="palette"))
    return planned


# The visit each test reads, from its parameters: ``pytest -k`` then loads only
# the pages the selected tests need. A test missing here gets every visit.
VISIT_OF = {
    "test_page_loads_offline_and_complete": lambda path: Visit(path),
    "test_page_has_no_accessibility_violation": lambda path, width, scheme: Visit(
        path, WIDTHS[width], scheme
    ),
    "test_phone_layout_keeps_tables_and_identifiers_whole": lambda path, scheme: Visit(
        path, 375, scheme
    ),
    "test_search_open_has_no_accessibility_violation": lambda width, scheme: Visit(
        "", WIDTHS[width], scheme, f"search:{SEARCH_WORD}"
    ),
    "test_drawer_open_has_no_accessibility_violation": lambda scheme: Visit(
        "", 375, scheme, "drawer"
    ),
    "test_404_page_is_portuguese_with_links": lambda width, scheme: Visit(
        "404.html", WIDTHS[width], scheme
    ),
    "test_palette_toggle_switches_light_and_dark": lambda: Visit("", state="palette"),
    "test_search_index_loads_only_when_searching": lambda: Visit(
        "", state=f"search:{SEARCH_WORD}"
    ),
}


def wanted_visits(items: list[pytest.Item]) -> list[Visit]:
    """The planned visits that the selected browser tests read, in plan order."""
    planned = visits()
    wanted: set[Visit] = set()
    for item in items:
        if "browser_results" not in getattr(item, "fixturenames", ()):
            continue
        visit_of = VISIT_OF.get(getattr(item, "originalname", item.name))
        if visit_of is None:
            return planned
        callspec = getattr(item, "callspec", None)
        wanted.add(visit_of(**(callspec.params if callspec else {})))
    return [visit for visit in planned if visit in wanted]


async def _run_all(api: object, base: str, wanted: list[Visit]) -> dict[Visit, Seen]:
    async with api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        slots = asyncio.Semaphore(PARALLEL)
        tabs = Tabs(browser)

        # A visit in the dark palette rides on the same visit's light one.
        dark = [replace(v, scheme="light") for v in wanted if rides_on_light(v)]
        jobs = [v for v in wanted if not rides_on_light(v)]
        jobs += [light for light in dict.fromkeys(dark) if light not in jobs]

        async def one(visit: Visit) -> dict[Visit, Seen]:
            async with slots:
                return await _visit(tabs, base, visit, dark_too=visit in dark)

        done = await asyncio.gather(*(one(v) for v in jobs))
        await browser.close()
    return {visit: seen for results in done for visit, seen in results.items()}


def available() -> bool:
    """Chromium, axe-core and Playwright are all here (fixtures say which is not)."""
    try:
        importlib.import_module("playwright.async_api")
    except ImportError:
        return False
    return CHROMIUM.exists() and AXE.exists()


def visits_job(items: list[pytest.Item]) -> Callable[[str], Coroutine]:
    """The visits the selected tests read, as a job of ``tests/early.py``: it
    takes the site's URL."""
    return functools.partial(_run_all, playwright_api(), wanted=wanted_visits(items))


@pytest.fixture(scope="session")
def browser_results(request: pytest.FixtureRequest) -> dict[Visit, Seen]:
    require(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM}")
    require(AXE.exists(), "axe-core missing: run npm ci --prefix tests/browser")
    return EARLY.run("browser_results", visits_job(request.session.items))


def blocking(seen: Seen) -> list[str]:
    """Any WCAG A/AA violation, whatever its impact, and the required rules."""
    return [
        f"{v['id']} ({v['impact']}): {v['targets']}"
        for v in seen.violations
        if v["id"] in REQUIRED_BEST_PRACTICE
        or any(tag.startswith("wcag") for tag in v["tags"])
    ]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_and_complete(path: str, browser_results, site_url) -> None:
    seen = browser_results[Visit(path)]
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(site_url))
    outside = [u for u in seen.requests if not u.startswith((origin, "data:", "blob:"))]
    assert outside == [], "requests leaving loopback"
    assert seen.failures == []
    assert seen.errors == []
    assert "--8<--" not in seen.facts["text"], "an include was not resolved"
    blocks, buttons = seen.facts["blocks"], seen.facts["buttons"]
    assert buttons == blocks, f"{blocks} code blocks, {buttons} copy buttons"
    for width, height in seen.facts["svgs"]:
        assert width > 100
        assert height > 100


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_accessibility_violation(
    path: str, width: str, scheme: str, browser_results
) -> None:
    seen = browser_results[Visit(path, WIDTHS[width], scheme)]
    assert seen.errors == []
    assert seen.facts["scheme"] == ("slate" if scheme == "dark" else "default")
    assert blocking(seen) == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", PAGES)
def test_phone_layout_keeps_tables_and_identifiers_whole(
    path: str, scheme: str, browser_results
) -> None:
    facts = browser_results[Visit(path, 375, scheme)].facts
    assert facts["tablesOffScreen"] == [], "a table is wider than the phone"
    assert facts["splitIdentifiers"] == [], "an identifier breaks mid-word"
    assert facts["scrollWidth"] <= facts["innerWidth"], "the page scrolls sideways"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_search_open_has_no_accessibility_violation(
    width: str, scheme: str, browser_results
) -> None:
    seen = browser_results[Visit("", WIDTHS[width], scheme, f"search:{SEARCH_WORD}")]
    assert seen.errors == []
    assert seen.facts["results"] > 0
    assert blocking(seen) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_drawer_open_has_no_accessibility_violation(
    scheme: str, browser_results
) -> None:
    seen = browser_results[Visit("", 375, scheme, "drawer")]
    assert seen.errors == []
    assert blocking(seen) == []


def test_search_index_loads_only_when_searching(browser_results) -> None:
    """The index, the search workers and the stemmer wait for the first query."""
    heavy = ("search/indice.json", "workers/search.", "search-forgiving", "lunr")
    seen = browser_results[Visit("", state=f"search:{SEARCH_WORD}")]
    at_load = [u for u in seen.facts["before_search"] if any(h in u for h in heavy)]
    assert at_load == []
    searched = [u for u in seen.requests if any(h in u for h in heavy)]
    assert any("search/indice.json" in u for u in searched), searched


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_404_page_is_portuguese_with_links(
    width: str, scheme: str, browser_results, site_url: str
) -> None:
    seen = browser_results[Visit("404.html", WIDTHS[width], scheme)]
    assert seen.errors == []
    assert seen.failures == []
    assert seen.facts["lang"] == "pt-BR"
    assert seen.facts["h1"] == "Página não encontrada"
    assert "busca" in seen.facts["text"]
    for page in ("", "armadilhas/", "diagnostico/", "referencia/"):
        assert site_url + page in seen.facts["links"], page
    assert blocking(seen) == []


def test_palette_toggle_switches_light_and_dark(browser_results) -> None:
    seen = browser_results[Visit("", state="palette")]
    assert seen.errors == []
    assert set(seen.facts["schemes"]) == {"default", "slate"}
