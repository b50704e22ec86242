"""The background work of ``tests/early.py``: results, errors, order, priority."""

from __future__ import annotations

import asyncio
import subprocess
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import conftest, early


@pytest.fixture
def fake_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """``build_site`` writes a one-page site and says which thread built it."""
    threads: list[str] = []

    def build(target: Path) -> Path:
        threads.append(threading.current_thread().name)
        target.mkdir(parents=True)
        (target / "index.html").write_text("<p>ok</p>", encoding="utf-8")
        return target

    monkeypatch.setattr(early, "build_site", build)
    return threads


def test_jobs_run_in_the_background_against_the_served_site(fake_build) -> None:
    async def fetch(url: str) -> str:
        return url

    session = early.Early()
    try:
        session.start({"job": fetch})
        url = session.run("job", fetch)
        assert url == session.result("url")
        assert url.startswith("http://127.0.0.1:")
        assert fake_build == ["early"]
    finally:
        session.stop()
    assert not session.folder.exists()


def test_an_error_in_the_background_is_raised_where_it_is_read(fake_build) -> None:
    async def broken(url: str) -> None:
        raise ValueError("the browser broke")

    session = early.Early()
    try:
        session.start({"job": broken})
        for _ in range(2):  # every reader sees it, not only the first
            with pytest.raises(ValueError, match="the browser broke"):
                session.run("job", broken)
    finally:
        session.stop()


def test_a_failed_build_fails_the_site_and_every_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def build(target: Path) -> Path:
        raise AssertionError("mkdocs: 1 warning in strict mode")

    async def job(url: str) -> None:
        raise AssertionError("never runs")

    monkeypatch.setattr(early, "build_site", build)
    session = early.Early()
    try:
        session.start({"job": job})
        with pytest.raises(AssertionError, match="strict mode"):
            session.result("site")
        with pytest.raises(RuntimeError, match="the site is not served"):
            session.run("job", job)
    finally:
        session.stop()


def test_without_start_each_result_is_made_when_asked(fake_build) -> None:
    async def fetch(url: str) -> str:
        return url

    session = early.Early()
    try:
        assert session.run("job", fetch) == session.result("url")
        assert fake_build == [threading.current_thread().name]
    finally:
        session.stop()


def test_the_tests_that_read_the_browser_run_last() -> None:
    def item(name: str, *fixtures: str) -> SimpleNamespace:
        return SimpleNamespace(name=name, fixturenames=fixtures, path=Path(name))

    items = [
        item("a", "browser_results"),
        item("b"),
        item("c", "answers", "site_url"),
        item("d", "built_site"),
    ]
    config = SimpleNamespace(getoption=lambda name, default=None: False)
    conftest.pytest_collection_modifyitems(config, items)
    assert [i.name for i in items] == ["b", "d", "a", "c"]


def test_the_browser_thread_and_its_processes_yield_the_cpu() -> None:
    def niceness() -> str:
        nice = subprocess.run(["nice"], capture_output=True, text=True, check=True)
        return nice.stdout.strip()

    before = niceness()
    seen: dict[str, str] = {}

    def lowered() -> None:
        early.lower_priority()
        seen["nice"] = niceness()
        seen["child cgroup"] = subprocess.run(
            ["cat", "/proc/self/cgroup"], capture_output=True, text=True, check=True
        ).stdout

    thread = threading.Thread(target=lowered)
    thread.start()
    thread.join()
    assert seen["nice"] == str(early.NICE)
    assert niceness() == before  # the tests' own thread keeps its priority
    if early.CGROUP.parent.is_dir() and early.CGROUP.exists():
        assert f":cpu:/{early.CGROUP.name}" in seen["child cgroup"]


def test_stop_cancels_a_job_still_running(fake_build) -> None:
    async def endless(url: str) -> None:
        await asyncio.sleep(60)

    session = early.Early()
    session.start({"job": endless})
    session.result("url")
    started = time.monotonic()
    session.stop()
    assert time.monotonic() - started < 5
    assert not session.thread.is_alive()
    with pytest.raises(RuntimeError, match="stopped"):
        session.run("job", endless)
