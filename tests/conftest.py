"""Fixtures shared by every test: the network guard and the snippet runner."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.early import BROWSER_FIXTURES, EARLY
from tests.network import guarded
from tests.site import SNIPPETS
from tests.situations import SITUATIONS

# Snippets import each other (the recipes module) as a reader would, from
# the folder they sit in.
sys.path.insert(0, str(SNIPPETS))


@pytest.fixture(autouse=True)
def network_guard() -> Iterator[None]:
    """Fail any test that reaches beyond loopback, even if the error was caught."""
    with guarded() as network:
        yield
        violations = list(network.violations)
    if violations:
        pytest.fail("network outside loopback: " + "; ".join(violations), pytrace=False)


# Proxy settings of the machine running the tests must not change a result
# (as httpx's ``clean_environ``); a run that needs one sets it (``Run(env=)``).
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy variable, in either spelling, for any test."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The site built once per session with ``mkdocs build --strict``."""
    return EARLY.result("site")


@pytest.fixture(scope="session")
def site_url() -> str:
    """The built site, served on loopback at its GitHub Pages path."""
    return EARLY.result("url")


@pytest.fixture
def port_in() -> Iterator[Callable[[str], int]]:
    """``port_in("refused")`` -> the real port of a fresh loopback situation."""
    with contextlib.ExitStack() as stack:

        def prepare(name: str) -> int:
            return stack.enter_context(SITUATIONS[name].start())

        yield prepare


def reads_the_browser(item: pytest.Item) -> bool:
    return any(name in getattr(item, "fixturenames", ()) for name in BROWSER_FIXTURES)


@pytest.hookimpl(trylast=True)  # after any shuffling (pytest-randomly)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """The tests that read the browser's results last; when recording, the
    checks of the whole tree after the snippets.

    The browser works in the background from the start (``tests/early.py``)
    while the other tests run. With ``--update-examples``, the snippet runs
    record the outputs that the completeness check and the site build then
    find. Otherwise the order within each group is free (and shuffled).
    """
    last = {}
    if config.getoption("--update-examples", default=False):
        last = {"test_completeness.py": 1, "test_site.py": 1}
    items.sort(key=lambda item: (reads_the_browser(item), last.get(item.path.name, 0)))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the site build and the browser's work in the background."""
    config = session.config
    if config.option.collectonly or config.getoption(
        "--update-examples", default=False
    ):
        return
    fixtures = {
        name for item in session.items for name in getattr(item, "fixturenames", ())
    }
    if "built_site" not in fixtures:
        return
    jobs = {}
    if fixtures & set(BROWSER_FIXTURES):
        from tests import test_browser, test_search

        if test_browser.available():
            if "browser_results" in fixtures:
                jobs["browser_results"] = test_browser.visits_job(session.items)
            if "answers" in fixtures:
                jobs["answers"] = test_search.search_job()
    EARLY.start(jobs)


def pytest_sessionfinish(session: pytest.Session) -> None:
    EARLY.stop()
