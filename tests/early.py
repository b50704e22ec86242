"""The site build and the browser's work, started as soon as the tests are known.

Chromium's page loads and axe runs are most of the suite's CPU, while the
other tests mostly wait on sockets and subprocesses. Started at once, in a
thread whose processes run at a lower priority (nice 10), the browser uses the
cores the other tests leave idle, and the tests that read its results run last
(``conftest.py``). A test that needs a result waits for it; an error in the
background is raised again in every test that reads the result.

When recording (``--update-examples``) nothing starts early: the site is built
when a test first needs it, after the snippets have written their outputs,
and the browser runs then, in the test's own thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from tests.site import ROOT, SITE_PREFIX

NICE = 10  # the browser yields the CPU to the tests that time their runs
# Chromium sets its own processes' nice values (as root, even below 0); a cpu
# cgroup (v1, where the machine has one) keeps them at a small share instead.
CGROUP = Path("/sys/fs/cgroup/cpu/connectionrefusederror-browser")
SHARES = 64  # of the default 1024
# Results the background can produce, by the fixture that reads them.
BROWSER_FIXTURES = ("browser_results", "answers")


def build_site(target: Path) -> Path:
    """``mkdocs build --strict`` into ``target``; an AssertionError with its output.

    Not ``-q``: quiet mode hides warnings from the strict-mode counter, and a
    broken link would then pass.
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def lower_priority() -> None:
    """This thread, and every process it starts, at a small share of the CPU."""
    thread = threading.get_native_id()
    os.setpriority(os.PRIO_PROCESS, thread, NICE)
    with contextlib.suppress(OSError):  # not root, or no cgroup v1: nice alone
        CGROUP.mkdir(exist_ok=True)
        (CGROUP / "cpu.shares").write_text(str(SHARES))
        (CGROUP / "tasks").write_text(str(thread))


def _settle(future: Future, work: Callable[[], Any]) -> bool:
    """Run ``work`` into ``future``; its error is raised where the result is read."""
    try:
        future.set_result(work())
    except BaseException as error:  # noqa: BLE001 - handed to the reader
        future.set_exception(error)
        return False
    return True


class Early:
    """One session's site, its URL and the browser's results.

    ``start`` computes them in the background; without it, each is computed
    when first asked for, in the asking thread.
    """

    def __init__(self) -> None:
        self.folder: Path | None = None  # made by the first build
        self.futures: dict[str, Future] = {}
        self.jobs: dict[str, Callable[[str], Coroutine]] = {}
        self.thread: threading.Thread | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stack = contextlib.ExitStack()

    def start(self, jobs: dict[str, Callable[[str], Coroutine]]) -> None:
        """Build the site now and, for each named job, run it against the site."""
        self.jobs = jobs
        names = ["site", "url", *jobs]
        self.futures = {name: Future() for name in names}
        # Made here, so that stop() can always reach it.
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._work, name="early", daemon=True)
        self.thread.start()

    def result(self, name: str) -> Any:
        """``site`` (a Path), ``url`` (the served site) or a job's result."""
        if name not in self.futures:
            self.futures[name] = Future()
            _settle(self.futures[name], lambda: self._now(name))
        return self.futures[name].result()

    def _now(self, name: str) -> Any:
        if name == "site":
            return self._build()
        if name == "url":
            return self._serve()
        raise LookupError(f"no early job named {name!r}")

    def run(self, name: str, job: Callable[[str], Coroutine]) -> Any:
        """A job's result: from the background, or run here and now."""
        if name not in self.futures:
            url = self.result("url")
            self.futures[name] = Future()
            _settle(self.futures[name], lambda: asyncio.run(job(url)))
        return self.futures[name].result()

    def _build(self) -> Path:
        self.folder = Path(tempfile.mkdtemp(prefix="site-"))
        return build_site(self.folder / "site")

    def _serve(self) -> str:
        from tests.serving import serve

        port = self.stack.enter_context(serve(self.result("site")))
        return f"http://127.0.0.1:{port}{SITE_PREFIX}"

    def _work(self) -> None:
        ok = _settle(self.futures["site"], self._build)
        ok = ok and _settle(self.futures["url"], self._serve)
        if not ok or not self.jobs:
            for name in self.jobs:
                self.futures[name].set_exception(RuntimeError("the site is not served"))
            self.loop.close()
            return
        lower_priority()
        try:
            self.loop.run_until_complete(self._run_jobs(self.futures["url"].result()))
        except asyncio.CancelledError:  # stop() before the jobs ended
            for name in self.jobs:
                if not self.futures[name].done():
                    self.futures[name].set_exception(RuntimeError("stopped"))
        finally:
            self.loop.close()

    async def _run_jobs(self, url: str) -> None:
        async def settle(name: str) -> None:
            try:
                self.futures[name].set_result(await self.jobs[name](url))
            except BaseException as error:  # noqa: BLE001 - handed to the reader
                self.futures[name].set_exception(error)

        await asyncio.gather(*(settle(name) for name in self.jobs))

    def stop(self) -> None:
        """Cancel what still runs, stop serving, remove the site."""
        if self.loop is not None:
            with contextlib.suppress(RuntimeError):  # closed: nothing runs
                self.loop.call_soon_threadsafe(self._cancel_all)
        if self.thread is not None:
            self.thread.join(timeout=30)
        self.stack.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        with contextlib.suppress(OSError):  # absent, or another session's in use
            CGROUP.rmdir()

    def _cancel_all(self) -> None:
        for task in asyncio.all_tasks(self.loop):
            task.cancel()


EARLY = Early()
