"""What a reader sees, measured in Chromium on a phone (375 px, touch) and on a
desktop (1280 px): nothing covers or cuts the text, every region that scrolls
can be reached by keyboard, and the built pages carry what the browser and
search engines read (descriptions, icons, rendered keys).

Every page of the built site is visited once per width; one script gathers
all measures of a page (``MEASURE``) and each test reads its part."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests import chromium
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, MOUNT_CODE_BLOCKS
from tests.site import DOCS

WIDTHS = {"phone": 375, "desktop": 1280}

# One pass over the page; each key is a list of findings (empty is good).
MEASURE = """async () => {
  const overlap = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  const shown = (el) => el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== "hidden";
  const name = (el) => {
    const block = el.closest("[id]");
    return (block ? "#" + block.id + " " : "") +
      el.textContent.trim().slice(0, 40).replace(/\\s+/g, " ");
  };
  // The padding box of an element: what it shows of its content.
  const inner = (el) => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return {left: r.left + parseFloat(s.borderLeftWidth),
            right: r.right - parseFloat(s.borderRightWidth),
            top: r.top + parseFloat(s.borderTopWidth),
            bottom: r.bottom - parseFloat(s.borderBottomWidth)};
  };
  const found = {copyCovers: [], blocks: 0};
  // The copy button over a visible glyph of its own block.
  document.querySelectorAll(".md-typeset pre").forEach((pre) => {
    const button = pre.querySelector(".md-code__button");
    const code = pre.querySelector(":scope > code");
    if (!button || !code || !shown(pre)) return;
    found.blocks++;
    const box = button.getBoundingClientRect(), clip = inner(code);
    const range = document.createRange();
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      range.selectNodeContents(node);
      if (![...range.getClientRects()].some((r) => overlap(r, box))) continue;
      const text = node.textContent;
      const hit = [...text].findIndex((ch, i) => {
        if (/\\s/.test(ch)) return false;
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        return [...range.getClientRects()].some(
          (r) => overlap(r, box) && overlap(r, clip));
      });
      if (hit >= 0) { found.copyCovers.push(name(code)); break; }
    }
  });
  // Table text cut off: a cell or the table's wrapper wider inside than out.
  found.clipped = [];
  document.querySelectorAll(".md-typeset table").forEach((table) => {
    if (!shown(table)) return;
    const wrap = table.closest(".md-typeset__scrollwrap") || table.parentElement;
    [wrap, ...table.querySelectorAll("th, td")].forEach((box) => {
      if (box.scrollWidth > box.clientWidth + 1)
        found.clipped.push(`${name(box)} (${box.scrollWidth} > ${box.clientWidth} px)`);
    });
  });
  // Tables: shown as cards (one per row), prose squeezed into a narrow
  // column of a table, code too small to read.
  found.cards = [];
  found.squeezed = [];
  found.smallCode = [];
  found.tableCode = 0;
  document.querySelectorAll(".md-typeset table").forEach((table) => {
    if (!shown(table)) return;
    const row = table.querySelector("tbody tr");
    const cards = row !== null && getComputedStyle(row).display === "block";
    if (cards) found.cards.push(name(table.querySelector("th, td")));
    table.querySelectorAll("td").forEach((cell) => {
      if (!cards && innerWidth < 600 && cell.textContent.trim().length > 40 &&
          cell.clientWidth < 140)
        found.squeezed.push(`${name(cell)} (${cell.clientWidth} px)`);
    });
    table.querySelectorAll("code").forEach((code) => {
      found.tableCode++;
      const size = parseFloat(getComputedStyle(code).fontSize);
      if (size < 12) found.smallCode.push(`${name(code)} (${size} px)`);
    });
  });
  // The reference's parameter tables (mkdocstrings): the description, the
  // one column of prose, takes at least half of the table; where the code
  // of the other columns cannot break to leave that much, it takes all they
  // leave (each other column no wider than the same table at min-content).
  found.descriptions = 0;
  found.narrowDescriptions = [];
  document.querySelectorAll(".md-typeset table").forEach((table) => {
    const row = table.querySelector("tbody tr.doc-section-item");
    if (!shown(table) || !row || getComputedStyle(row).display === "block") return;
    const column = [...row.children].findIndex(
      (cell) => cell.querySelector(":scope > .doc-md-description"));
    const heads = [...table.querySelectorAll("thead th")];
    if (column < 0 || heads.length !== row.children.length) return;
    found.descriptions++;
    const width = (el) => el.getBoundingClientRect().width;
    const share = width(heads[column]) / width(table);
    if (share >= 0.5) return;
    const least = table.cloneNode(true);
    least.style.cssText = "position: absolute; visibility: hidden; width: min-content";
    least.querySelectorAll("th, td").forEach((cell) => { cell.style.width = "auto"; });
    table.parentElement.append(least);
    const narrowest = [...least.querySelectorAll("thead th")].map(width);
    least.remove();
    const spare = heads.reduce(
      (sum, head, i) => i === column ? sum : sum + width(head) - narrowest[i], 0);
    if (spare > 2)
      found.narrowDescriptions.push(`${name(row)} (${Math.round(share * 100)}% ` +
        `of the table, ${Math.round(spare)} px to spare in the other columns)`);
  });
  // A diagram wider than the screen says so: a shadow at the edge where it
  // goes on (a gradient painted over the scrolling box) and a line of text.
  found.diagramCue = [];
  found.wideDiagrams = 0;
  document.querySelectorAll("figure.diagrama").forEach((figure) => {
    if (!shown(figure) || figure.scrollWidth <= figure.clientWidth + 1) return;
    found.wideDiagrams++;
    const style = getComputedStyle(figure);
    const caption = figure.querySelector("figcaption");
    const hint = caption ? getComputedStyle(caption, "::after").content : "none";
    if (!/gradient/.test(style.backgroundImage) ||
        !/scroll/.test(style.backgroundAttachment) || !/\\w/.test(hint) ||
        figure.scrollLeft !== 0)
      found.diagramCue.push(name(figure));
  });
  // Tab labels out of the strip's sight, or cut inside it.
  found.hiddenTabs = [];
  document.querySelectorAll(".tabbed-labels").forEach((strip) => {
    if (!shown(strip)) return;
    const box = strip.getBoundingClientRect();
    strip.querySelectorAll(":scope > label").forEach((label) => {
      const r = label.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1 ||
          label.scrollWidth > label.clientWidth + 1)
        found.hiddenTabs.push(name(label));
    });
  });
  // Every region that scrolls sideways takes the keyboard's focus, in every
  // tab and with every collapsed section open; the chosen tab is marked.
  const frame = () =>
    new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
  found.unreachable = [];
  found.unmarked = [];
  const regions = ".md-typeset__scrollwrap, .md-typeset pre > code, " +
    ".tabbed-labels, figure.diagrama";
  const unreachable = () => document.querySelectorAll(regions).forEach((el) => {
    if (shown(el) && el.scrollWidth > el.clientWidth + 1 && el.tabIndex < 0 &&
        !found.unreachable.includes(name(el)))
      found.unreachable.push(name(el));
  });
  unreachable();
  for (const details of document.querySelectorAll(".md-typeset details")) {
    details.open = true;
    await frame();
    unreachable();
  }
  for (const label of document.querySelectorAll(".tabbed-labels > label")) {
    if (!shown(label)) continue;
    label.click();
    await frame();
    const line = getComputedStyle(label);
    if (parseFloat(line.borderBottomWidth) < 1 ||
        line.borderBottomColor === "rgba(0, 0, 0, 0)")
      found.unmarked.push(name(label));
    unreachable();
  }
  return found;
}"""


# Where the table of contents overflows its box (desktop): scroll to the end
# of the page, where toc.follow has scrolled the list, then jump back to the
# top as the "back to top" button does. The list must be back at its top:
# otherwise its first links stay hidden (axe: target-size).
TOC_JUMP = """async () => {
  const frame = () =>
    new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
  const toc = document.querySelector(
    ".md-sidebar--secondary .md-sidebar__scrollwrap");
  if (!toc || toc.getClientRects().length === 0 ||
      toc.scrollHeight <= toc.clientHeight + 1) return null;
  scrollTo(0, document.documentElement.scrollHeight);
  let followed = 0;
  for (let i = 0; i < 50 && followed === 0; i++) {
    await frame();
    followed = toc.scrollTop;
  }
  scrollTo(0, 0);
  const until = performance.now() + 2000;
  while (performance.now() < until && toc.scrollTop !== 0) await frame();
  return {followed: followed, after: toc.scrollTop};
}"""


def site_pages(site: Path) -> list[str]:
    """Every page of the built site, as a path under the site's URL."""
    pages = (p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    return sorted("" if p == "." else p + "/" for p in pages)


def built_pages(site: Path) -> Iterator[tuple[str, str]]:
    """(path, HTML) of every page of the built site, the 404 page too."""
    for path in site_pages(site):
        yield path, (site / path / "index.html").read_text(encoding="utf-8")
    yield "404.html", (site / "404.html").read_text(encoding="utf-8")


def open_tab(browser: object, width: int) -> object:
    """A tab as a phone (touch, as Material tells phones apart) or a desktop."""
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 800}, has_touch=phone, is_mobile=phone
    )
    return context.new_page()


@pytest.fixture(scope="session")
def measures(built_site: Path, site_url: str) -> dict[str, dict]:
    """``measures[width][page]``: what MEASURE found on each page, and
    ``measures["drawer"]``: the drawer title's contrast per palette.

    Playwright runs only inside this fixture: its sync API keeps an event loop
    running in this thread while it is open, and asyncio.run() in any later
    test would refuse to start."""
    chromium.require_chromium()
    sync_playwright = chromium.playwright_api("sync").sync_playwright
    found: dict[str, dict] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        for label, width in WIDTHS.items():
            tab = open_tab(browser, width)
            found[label] = {}
            for path in site_pages(built_site):
                tab.goto(site_url + path)
                tab.wait_for_function("document.querySelector('.md-content')")
                tab.evaluate(MOUNT_CODE_BLOCKS)
                found[label][path] = tab.evaluate(MEASURE)
                found[label][path]["tocJump"] = tab.evaluate(TOC_JUMP)
            if label == "phone":
                tab.goto(site_url)
                found["drawer"] = tab.evaluate(DRAWER_CONTRAST)
            tab.context.close()
        browser.close()
    return found


def findings(measures: dict, key: str) -> dict[str, list]:
    return {
        f"{label} {path or 'início'}": found[key]
        for label in WIDTHS
        for path, found in measures.get(label, {}).items()
        if found[key]
    }


# --------------------------------------------------------------------------
# The built HTML.
# --------------------------------------------------------------------------

# Keyboard keys written as ++ctrl+f++: pymdownx.keys renders them as <kbd>;
# without it the plus signs reach the reader.
KEYS_SOURCE = re.compile(r"\+\+[\w-]+(?:\+[\w-]+)*\+\+")
HIDDEN_TEXT = re.compile(r"<(script|style|pre|code)\b.*?</\1>", re.S)


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", HIDDEN_TEXT.sub(" ", html))


def test_keys_are_rendered_not_shown_as_written(built_site: Path) -> None:
    left = {
        path: KEYS_SOURCE.findall(visible_text(html))
        for path, html in built_pages(built_site)
    }
    assert {path: keys for path, keys in left.items() if keys} == {}
    assert any('class="keys"' in html for _, html in built_pages(built_site))


def test_command_listing_is_plain_text(built_site: Path) -> None:
    """The whole command, collapsed at the end of its page, is offered by the
    download; shown highlighted it made three quarters of the page's elements
    (3,200 of 4,167). It is plain text, without highlighting spans."""
    html = (built_site / "diagnostico" / "comando" / "index.html").read_text()
    listing = html.partition('<details class="example">')[2].partition("</details>")[0]
    assert 'download="diagnostico.py"' in listing
    assert listing.count("\n") > 400, "the whole file is still shown"
    assert re.findall(r'<span class="(?!filename)[^"]*"', listing) == []


class ElementCount(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.count += 1


# Elements a built page may hold. Style, layout and Material's page script
# grow with them, and on a phone's CPU that is what Lighthouse's Total
# Blocking Time measures. The heaviest page, referencia/, has about 2,750,
# 1,540 of them in its collapsed listing of recipes.py.
MAX_ELEMENTS = 3000


def test_every_page_keeps_its_element_budget(built_site: Path) -> None:
    """Code blocks carry no element per line (pymdownx.highlight's line_spans
    and anchor_linenums): no page shows line numbers or links to a line, and
    those two elements a line made the command's page 4,200 elements, 2,800
    of them in its collapsed listing."""
    counts = {}
    for path, page in built_pages(built_site):
        assert 'id="__span-' not in page, path
        assert "__codelineno-" not in page, path
        parser = ElementCount()
        parser.feed(page)
        counts[path] = parser.count
    assert {p: n for p, n in counts.items() if n > MAX_ELEMENTS} == {}


DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)"')


def test_every_description_fits_a_search_result(built_site: Path) -> None:
    """At most 160 characters (what search results show), read from the built
    <head>: a straight quote in front matter would cut the tag short."""
    descriptions = {
        path: html.unescape(DESCRIPTION.search(page)[1])
        for path, page in built_pages(built_site)
    }
    assert {p: len(d) for p, d in descriptions.items() if len(d) > 160} == {}
    sources = [p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md")]
    fronts = [s.split("---", 2)[1] for s in sources if s.startswith("---")]
    assert [f for f in fronts if re.search(r'description:.*"', f)] == []


def test_not_found_page_leads_to_the_message_index(built_site: Path) -> None:
    page = (built_site / "404.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="[^"]*/mensagens/">', page)


# --------------------------------------------------------------------------
# In the browser.
# --------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_copy_button_covers_no_code_text(measures: dict) -> None:
    assert sum(p["blocks"] for p in measures["phone"].values()) > 100
    assert findings(measures, "copyCovers") == {}


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_no_table_text_is_cut_off(measures: dict) -> None:
    assert findings(measures, "clipped") == {}


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_every_tab_label_is_in_sight(measures: dict) -> None:
    assert findings(measures, "hiddenTabs") == {}


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_chosen_tab_is_marked(measures: dict) -> None:
    assert findings(measures, "unmarked") == {}


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_every_scrolling_region_takes_the_keyboard(measures: dict) -> None:
    """Also in a tab chosen after the page loaded and in an opened section,
    where the region had no width when the page first looked."""
    assert findings(measures, "unreachable") == {}


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_code_in_tables_is_at_least_12_px(measures: dict) -> None:
    """On a phone and on a desktop: Lighthouse reads text under 12 px as
    illegible (Material's code in a table computes 10.9 px)."""
    for label in WIDTHS:
        assert sum(p["tableCode"] for p in measures[label].values()) > 300
    assert findings(measures, "smallCode") == {}


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_reference_descriptions_take_the_room_they_need(measures: dict) -> None:
    """The description, the parameter tables' one column of prose, gets at
    least half of the table: at 1280 px about 340 px, some 50 characters a
    line, inside the 45 to 75 a comfortable line holds, while the name, the
    type and the default are one short piece of code each. Where that code
    cannot break to leave half (a default such as
    ``(ConnectionRefusedError,)``), the description takes all it leaves.
    Measured on a desktop and, where a table stays a table, on a phone."""
    assert measures["desktop"]["referencia/"]["descriptions"] >= 10
    assert findings(measures, "narrowDescriptions") == {}


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_no_table_squeezes_a_sentence_into_a_narrow_column(measures: dict) -> None:
    """On a phone: a sentence in a column under 140 px reads a word a line."""
    assert findings(measures, "squeezed") == {}


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_tables_become_cards_only_on_a_phone_and_only_when_needed(
    measures: dict,
) -> None:
    """A lookup table that fits (the exit codes) stays a table on a phone;
    the reference's parameter tables, too narrow for their text, become cards."""
    cards = findings(measures, "cards")
    assert {page: c for page, c in cards.items() if "desktop" in page} == {}
    assert "phone diagnostico/comando/" not in cards
    assert len(measures["phone"]["referencia/"]["cards"]) >= 2


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_a_diagram_wider_than_the_screen_shows_that_it_goes_on(measures: dict) -> None:
    assert measures["phone"]["diagnostico/"]["wideDiagrams"] == 1
    assert findings(measures, "diagramCue") == {}


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_table_of_contents_comes_back_to_its_top_with_the_page(measures: dict) -> None:
    """Material's toc.follow scrolls the list while the reader reads, and
    leaves it there when no heading is passed; the page script brings it back
    (overrides/main.html)."""
    pages = measures["desktop"].items()
    jumps = {p: m["tocJump"] for p, m in pages if m["tocJump"]}
    assert len(jumps) >= 5, "pages whose table of contents overflows its box"
    assert {p: j for p, j in jumps.items() if not j["followed"]} == {}, "toc.follow"
    assert {p: j["after"] for p, j in jumps.items() if j["after"]} == {}


# The contrast of the first section title in the phone's drawer, opened,
# in each palette (WCAG's formula, the colours composed over their layers).
DRAWER_CONTRAST = """async () => {
  const parse = (c) => {
    const m = c.match(/[\\d.]+/g).map(Number);
    return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
  };
  const over = (top, under) =>
    [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] === 1) break;
    }
    let base = [255, 255, 255, 1];
    for (const layer of layers.reverse()) base = over(layer, base);
    return base;
  };
  const out = {};
  for (const scheme of ["default", "slate"]) {
    document.body.setAttribute("data-md-color-scheme", scheme);
    const drawer = document.getElementById("__drawer");
    drawer.checked = true;
    await new Promise((r) => setTimeout(r, 400));
    const toggle = document.querySelector("input.md-nav__toggle[id^='__nav_']");
    toggle.checked = true;
    await new Promise((r) => setTimeout(r, 400));
    const title = toggle.parentElement.querySelector(".md-nav .md-nav__title");
    const bg = background(title);
    const fg = over(parse(getComputedStyle(title).color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    out[scheme] = Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100;
  }
  return out;
}
"""


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_drawer_section_title_has_enough_contrast(measures: dict) -> None:
    ratios = measures["drawer"]
    assert set(ratios) == {"default", "slate"}
    assert {scheme: r for scheme, r in ratios.items() if r < 4.5} == {}
