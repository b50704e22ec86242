"""A browser step that times out is tried once more, then fails alone, saying
where it waited (no Chromium needed: the steps here only sleep)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import chromium
from tests.chromium import ATTEMPTS, Browser, Stage


class PlaywrightTimeout(Exception):
    """Stands for playwright.async_api.TimeoutError."""


@pytest.fixture
def browser() -> Iterator[Browser]:
    session = Browser(SimpleNamespace(TimeoutError=PlaywrightTimeout))
    yield session
    session.close()


def test_a_slow_step_is_tried_again(browser: Browser) -> None:
    tries = []

    async def attempt(stage: Stage) -> str:
        tries.append(stage)
        stage("the page to load")
        await asyncio.sleep(1 if len(tries) == 1 else 0)
        return "loaded"

    cleaned = []

    async def clean() -> None:
        cleaned.append(len(tries))

    result = browser.step("visit to /", attempt, seconds=0.1, on_timeout=clean)
    assert result == "loaded"
    assert len(tries) == 2
    assert cleaned == [1]


def test_a_step_slow_twice_fails_naming_where_it_waited(browser: Browser) -> None:
    async def attempt(stage: Stage) -> None:
        stage("the search worker's answer")
        raise PlaywrightTimeout("Timeout 30000ms exceeded.\n=== logs ===")

    with pytest.raises(pytest.fail.Exception) as failed:
        browser.step("search 'conteiner'", attempt, seconds=5)
    assert str(failed.value) == (
        f"search 'conteiner': timed out {ATTEMPTS} times (5 s each), waiting for: "
        "the search worker's answer (Timeout 30000ms exceeded.); "
        "then the search worker's answer (Timeout 30000ms exceeded.)"
    )


def test_other_errors_are_not_retried(browser: Browser) -> None:
    tries = []

    async def attempt(stage: Stage) -> None:
        tries.append(stage)
        raise ValueError("a real failure")

    with pytest.raises(ValueError, match="a real failure"):
        browser.step("visit to /", attempt, seconds=5)
    assert len(tries) == 1


def test_the_loop_runs_only_during_a_step(browser: Browser) -> None:
    """A snippet's own asyncio.run in a later test finds no running loop."""

    async def attempt(stage: Stage) -> bool:
        return asyncio.get_running_loop() is browser.loop

    assert browser.step("a step", attempt)
    assert asyncio.run(asyncio.sleep(0, result="ran")) == "ran"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: None, "Chromium not found at"),
        (lambda path: path.write_text(""), "is not a program that can be run"),
        (lambda path: path.mkdir(), "is not a program that can be run"),
    ],
    ids=["missing", "not_executable", "a_folder"],
)
def test_a_chromium_that_cannot_run_is_a_skip_with_the_reason(
    make: Callable[[Path], object],
    reason: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As with /dev/null mounted over /usr/bin/chromium: the browser tests are
    skipped with the reason, not errors of a failed launch; under
    REQUIRE_BROWSER=1 they fail with it."""
    path = tmp_path / "chromium"
    make(path)
    monkeypatch.setattr(chromium, "CHROMIUM", path)
    monkeypatch.delenv("REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match=reason):
        chromium.require_chromium()
    monkeypatch.setenv("REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match=reason):
        chromium.require_chromium()


def test_an_executable_chromium_file_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "chromium"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    monkeypatch.setattr(chromium, "CHROMIUM", path)
    chromium.require_chromium()
