"""The built site in a real browser: offline, complete, searchable, accessible.

A visit is one page in one state: a palette (light, dark), a width (1280 px,
or 375 px with touch emulation, where Material drops the code blocks'
tabindex), and for some pages the search open, the drawer open, or the 404
page. The first test that reads a visit makes it, and the tests that read the
same visit share its record; a dark visit is its light visit with the palette
switched in place. A plain load first brings every code block shown into
view, as a reader scrolling would: Material mounts them only then
(``content.lazy``). A visit that times out is tried once more and then fails
the tests that read it, and only those. The browser, and what happens where
Chromium or axe-core is missing, is in ``tests/chromium.py``; what readers
type into the search, in ``test_search.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import pytest

from tests.chromium import (
    AXE,
    MOUNT_CODE_BLOCKS,
    POLL,
    READY,
    Browser,
    Stage,
    playwright_api,
    type_query,
)
from tests.site import PAGES

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Best-practice rules that must hold too; the others are reported by
# scripts/benchmark.py, not enforced.
REQUIRED_BEST_PRACTICE = ["aria-allowed-role", "landmark-unique"]
WIDTHS = {"desktop": 1280, "mobile": 375}
SCHEMES = ["light", "dark"]
SEARCH_WORD = "recusada"  # typed with the search open (test_search.py types more)
# A page's tests go to one pytest-xdist worker (--dist loadgroup), where its
# dark visits ride on its light ones.
PAGE = [
    pytest.param(path, marks=pytest.mark.xdist_group(f"page:{path}")) for path in PAGES
]
# A test may wait for the site build, the browser's start and a visit tried
# twice.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(150)]


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
    blocks: [...document.querySelectorAll('.md-content pre > code')]
      .filter((code) => code.checkVisibility()).length,
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


class Tabs:
    """Browser tabs reused across plain page loads of the same kind.

    A new browser context costs a renderer process and cold caches (about
    twice the time of the page load itself), so plain loads reuse tabs. The
    visits whose every request is checked reuse tabs with the HTTP cache off:
    each of their loads asks the server for everything again, as a first
    visit does. Visits that change a page's state (search, drawer, palette,
    which Material also stores in localStorage) get a fresh context, and so
    does a visit after a timed-out one.
    """

    def __init__(self, browser: Browser) -> None:
        self.browser = browser.chromium
        self.timeouts = (TimeoutError, browser.api.TimeoutError)
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

    async def give_back(self, visit: Visit, page: object, *, whole: bool) -> None:
        """Back to its pool; closed if its visit changed it or did not end."""
        key = tab_kind(visit)
        if key is None or not whole:
            await page.context.close()
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
    tabs: Tabs, base: str, visit: Visit, stage: Stage
) -> dict[Visit, Seen]:
    """The visit's record and, but for the palette visit, the same page's in the
    dark palette: the colour scheme is switched in place, not loaded again.

    A page error is recorded for the visit's tests; a timeout is raised, for
    ``Browser.step`` to try the visit again.
    """
    seen = Seen()
    results = {visit: seen}
    page = await tabs.take(visit)
    whole = False
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
        stage(f"the page to load ({'network idle' if idle else 'load event'})")
        await page.goto(base + visit.path, wait_until="networkidle" if idle else "load")
        stage("Material's page script")
        await page.wait_for_function(READY, polling=POLL)
        seen.facts["before_search"] = list(seen.requests)
        if visit.state == "load":
            seen.facts["buttons_at_load"] = (await page.evaluate(FACTS))["buttons"]
            stage("every code block shown brought into view")
            await page.evaluate(MOUNT_CODE_BLOCKS)
        if visit.state.startswith("search:"):
            stage("the search box to take the focus")
            await page.keyboard.press("/")  # Material's shortcut opens search
            await page.wait_for_function(SEARCH_FOCUSED, polling=POLL)
            await type_query(page, visit.state.partition(":")[2])
            stage("the first search result")
            items = page.locator(".md-search-result__item")
            await items.first.wait_for()
            seen.facts["results"] = await items.count()
            seen.facts["meta"] = await page.inner_text(".md-search-result__meta")
        elif visit.state == "drawer":
            stage("the drawer to open")
            await page.locator("label[for='__drawer']:visible").first.click()
            await page.locator(".md-sidebar--primary").wait_for(state="visible")
        elif visit.state == "palette":
            stage("the palette toggle")
            before = await page.get_attribute("body", "data-md-color-scheme")
            toggle = "form[data-md-component='palette'] label:visible"
            await page.locator(toggle).first.click()
            after = await page.get_attribute("body", "data-md-color-scheme")
            seen.facts["schemes"] = [before, after]
            whole = True
            return results
        stage("the transitions to end")
        await page.wait_for_function(SETTLED, polling=POLL)
        stage("the page's facts and axe (light palette)")
        seen.facts.update(await page.evaluate(FACTS))
        seen.violations = await page.evaluate(
            AXE_RUN, [AXE_TAGS, REQUIRED_BEST_PRACTICE]
        )
        # What Material's palette toggle does to the page, without storing
        # the choice in the reused tab.
        stage("the page's facts and axe (dark palette)")
        dark = Seen(seen.requests, seen.failures, seen.errors, dict(seen.facts))
        results[replace(visit, scheme="dark")] = dark
        await page.evaluate(SET_SCHEME, "slate")
        dark.facts.update(await page.evaluate(FACTS))
        # Only colours change with the palette: the DOM the other rules
        # read is the one just checked in the light palette.
        dark.violations = await page.evaluate(AXE_COLOURS)
        await page.evaluate(SET_SCHEME, "default")
        whole = True
    except Exception as error:
        if isinstance(error, tabs.timeouts):
            raise
        # Recorded, and reported by the visit's tests.
        seen.errors.append(f"visit failed: {error!r}")
        results.setdefault(replace(visit, scheme="dark"), Seen(errors=seen.errors))
    finally:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)
        await tabs.give_back(visit, page, whole=whole)
    return results


def rides_on_light(visit: Visit) -> bool:
    """A dark visit is the light one with the palette switched in place."""
    return visit.scheme == "dark" and visit.state != "palette"


class Visits:
    """Each visit made once, when a test first reads it (per worker)."""

    def __init__(self, browser: Browser, base: str) -> None:
        self.browser = browser
        self.base = base
        self.tabs = Tabs(browser)
        self.seen: dict[Visit, Seen] = {}

    def __getitem__(self, visit: Visit) -> Seen:
        if visit not in self.seen:
            made = replace(visit, scheme="light") if rides_on_light(visit) else visit
            self.seen.update(
                self.browser.step(
                    f"visit to /{visit.path or ''} ({describe(made)})",
                    lambda stage: _visit(self.tabs, self.base, made, stage),
                )
            )
        return self.seen[visit]


def describe(visit: Visit) -> str:
    state = "" if visit.state == "load" else f", {visit.state}"
    return f"{visit.width} px, {visit.scheme}{state}"


@pytest.fixture(scope="session")
def browser_results(browser: Browser, site_url: str) -> Visits:
    return Visits(browser, site_url)


def blocking(seen: Seen) -> list[str]:
    """Any WCAG A/AA violation, whatever its impact, and the required rules."""
    return [
        f"{v['id']} ({v['impact']}): {v['targets']}"
        for v in seen.violations
        if v["id"] in REQUIRED_BEST_PRACTICE
        or any(tag.startswith("wcag") for tag in v["tags"])
    ]


@pytest.mark.parametrize("path", PAGE)
def test_page_loads_offline_and_complete(path: str, browser_results, site_url) -> None:
    seen = browser_results[Visit(path)]
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(site_url))
    outside = [u for u in seen.requests if not u.startswith((origin, "data:", "blob:"))]
    assert outside == [], "requests leaving loopback"
    assert seen.failures == []
    assert seen.errors == []
    assert "--8<--" not in seen.facts["text"], "an include was not resolved"
    blocks, buttons = seen.facts["blocks"], seen.facts["buttons"]
    assert buttons == blocks, f"{blocks} code blocks shown, {buttons} copy buttons"
    for width, height in seen.facts["svgs"]:
        assert width > 100
        assert height > 100


@pytest.mark.xdist_group("page:mensagens/")
def test_code_blocks_out_of_view_are_mounted_when_seen(browser_results) -> None:
    """content.lazy: Material mounts a code block (copy button, size watch)
    when it first comes into view. Mounting the message index's 37 blocks at
    load was most of its main-thread work, what Lighthouse's Total Blocking
    Time counts (scripts/benchmark.py)."""
    seen = browser_results[Visit("mensagens/", WIDTHS["mobile"])]
    assert seen.facts["blocks"] > 30
    assert seen.facts["buttons_at_load"] < seen.facts["blocks"] / 4
    assert seen.facts["buttons"] == seen.facts["blocks"]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGE)
def test_page_has_no_accessibility_violation(
    path: str, width: str, scheme: str, browser_results
) -> None:
    seen = browser_results[Visit(path, WIDTHS[width], scheme)]
    assert seen.errors == []
    assert seen.facts["scheme"] == ("slate" if scheme == "dark" else "default")
    assert blocking(seen) == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", PAGE)
def test_phone_layout_keeps_tables_and_identifiers_whole(
    path: str, scheme: str, browser_results
) -> None:
    facts = browser_results[Visit(path, 375, scheme)].facts
    assert facts["tablesOffScreen"] == [], "a table is wider than the phone"
    assert facts["splitIdentifiers"] == [], "an identifier breaks mid-word"
    assert facts["scrollWidth"] <= facts["innerWidth"], "the page scrolls sideways"


@pytest.mark.xdist_group("search-open")
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_search_open_has_no_accessibility_violation(
    width: str, scheme: str, browser_results
) -> None:
    seen = browser_results[Visit("", WIDTHS[width], scheme, f"search:{SEARCH_WORD}")]
    assert seen.errors == []
    assert seen.facts["results"] > 0
    assert blocking(seen) == []


@pytest.mark.xdist_group("drawer")
@pytest.mark.parametrize("scheme", SCHEMES)
def test_drawer_open_has_no_accessibility_violation(
    scheme: str, browser_results
) -> None:
    seen = browser_results[Visit("", 375, scheme, "drawer")]
    assert seen.errors == []
    assert blocking(seen) == []


@pytest.mark.xdist_group("search-open")
def test_search_index_loads_only_when_searching(browser_results) -> None:
    """The index, the search workers and the stemmer wait for the first query."""
    heavy = ("search/indice.json", "workers/search.", "search-forgiving", "lunr")
    seen = browser_results[Visit("", state=f"search:{SEARCH_WORD}")]
    at_load = [u for u in seen.facts["before_search"] if any(h in u for h in heavy)]
    assert at_load == []
    searched = [u for u in seen.requests if any(h in u for h in heavy)]
    assert any("search/indice.json" in u for u in searched), searched


@pytest.mark.xdist_group("404")
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
