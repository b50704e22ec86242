"""The browser the tests drive: Chromium, axe-core and one Playwright per session.

Chromium is Debian's (``/usr/bin/chromium``, or ``CHROMIUM``); axe-core comes
from npm (``tests/browser``). Where either, or Playwright, is missing the
browser tests skip with the reason, unless ``REQUIRE_BROWSER=1`` (set by
``.ci/run``), where they fail instead.

A test drives the browser from its own thread, one step at a time (a page
visit, a search): ``Browser.step`` runs the step on the session's event loop,
which runs only while a step does, so the snippets' own ``asyncio.run`` calls
in other tests never meet a running loop. A step that does not finish in time
is tried once more; a second timeout fails that test alone, naming the step
and the stage it was waiting in.
"""

from __future__ import annotations

import asyncio
import importlib
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from tests.required import unavailable

# Debian's Chromium, as the browser tests and the benchmark start it.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
# One step (a page in both palettes with axe, or one search) takes a few
# seconds on a quiet 2-core machine; this bounds it on a busy one.
STEP_SECONDS = 45
ATTEMPTS = 2
# Waits poll every 20 ms: a page that is not in front gets no animation
# frames, and the default polling on them stalls until the next one.
POLL = 20
# Material's page script has run (it names the search dialog): the page is
# ready for the checks without waiting for the network to go idle.
READY = "document.querySelector('.md-search[aria-label]') !== null"
# With content.lazy (mkdocs.yml) Material mounts a code block (its copy button
# and the button's wrapper) only when the block first comes into view: bring
# each block shown on the page into view until it has its button, then go back
# to the top. Blocks in a tab not chosen or a closed section (checkVisibility()
# is false there) stay as they are.
MOUNT_CODE_BLOCKS = """async () => {
  const frame = () =>
    new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
  for (const code of document.querySelectorAll('.md-content pre > code')) {
    const pre = code.parentElement;
    for (let tries = 0; tries < 10 && code.checkVisibility() &&
         !pre.querySelector('.md-code__button'); tries++) {
      code.scrollIntoView({block: 'center'});
      await frame();
    }
  }
  // Back to the top in one jump, as the "back to top" button goes. The table
  // of contents followed the reading position (toc.follow); the page script
  // brings it back to its top shortly after (test_layout.py checks that it
  // does): wait for it, as a reader's eye would.
  scrollTo(0, 0);
  await frame();
  const toc = document.querySelector(
    '.md-sidebar--secondary .md-sidebar__scrollwrap');
  const until = performance.now() + 2000;
  while (toc && toc.scrollTop !== 0 && performance.now() < until) await frame();
  await frame();
}"""


def require(available: bool, reason: str) -> None:
    """Skip locally, fail where the browser tests are required."""
    if not available:
        unavailable(reason, "REQUIRE_BROWSER")


def playwright_api(flavour: str = "async") -> Any:
    """``playwright.async_api`` (or ``sync_api``), or a skip (a failure under
    REQUIRE_BROWSER=1)."""
    try:
        return importlib.import_module(f"playwright.{flavour}_api")
    except ImportError as error:
        require(False, f"Playwright unavailable: {error}")


def require_chromium() -> None:
    """Skip (fail under REQUIRE_BROWSER=1) unless Chromium is here and can be
    started: a file that is there but is not a program (a broken install,
    ``/dev/null`` mounted over it) counts as missing."""
    require(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM}")
    runnable = CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)
    require(runnable, f"Chromium at {CHROMIUM} is not a program that can be run")


def require_axe() -> None:
    require(AXE.exists(), "axe-core missing: run npm ci --prefix tests/browser")


def require_browser() -> Any:
    """Playwright's API once Chromium and axe-core are known to be here."""
    api = playwright_api()
    require_chromium()
    require_axe()
    return api


async def type_query(page: Any, text: str) -> None:
    """Enter ``text`` into the focused search box and set off one search.

    Typed key by key, every key would start a search whose answer nobody
    reads. The text goes in as input, and one real key (End: Material searches
    on ``keyup``) sets off the search that counts. On a phone, the search moves
    the caret once it has slid open; text entered in one piece cannot be split
    by that.
    """
    await page.keyboard.insert_text(text)
    await page.keyboard.press("End")


class Stage:
    """Where a step is: the last thing it started waiting for."""

    def __init__(self) -> None:
        self.now = "starting"

    def __call__(self, what: str) -> None:
        self.now = what


class Browser:
    """One Chromium for the session, stepped from the tests' own thread."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.loop = asyncio.new_event_loop()
        self.playwright: Any = None
        self.chromium: Any = None

    def launch(self) -> Browser:
        self.playwright = self.run(self.api.async_playwright().start())
        self.chromium = self.run(
            self.playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
        )
        return self

    def run(self, coroutine: Coroutine) -> Any:
        """Run one coroutine on the session's loop (no timeout)."""
        return self.loop.run_until_complete(coroutine)

    def step(
        self,
        what: str,
        attempt: Callable[[Stage], Coroutine],
        *,
        seconds: float = STEP_SECONDS,
        on_timeout: Callable[[], Coroutine] | None = None,
    ) -> Any:
        """``attempt``'s result; a timeout is retried once, then fails the test.

        ``on_timeout`` cleans up after a timed-out attempt (closing the tab it
        left half-way) before the next one.
        """
        timeouts = (TimeoutError, self.api.TimeoutError)
        waited = []
        for _ in range(ATTEMPTS):
            stage = Stage()
            try:
                return self.run(asyncio.wait_for(attempt(stage), seconds))
            except timeouts as error:
                detail = str(error).splitlines()[0] if str(error) else "no answer"
                waited.append(f"{stage.now} ({detail})")
                if on_timeout is not None:
                    self.run(on_timeout())
        pytest.fail(
            f"{what}: timed out {ATTEMPTS} times ({seconds:.0f} s each), "
            f"waiting for: {'; then '.join(waited)}",
            pytrace=False,
        )

    def close(self) -> None:
        if self.chromium is not None:
            self.run(self.chromium.close())
        if self.playwright is not None:
            self.run(self.playwright.stop())
        self.loop.close()
