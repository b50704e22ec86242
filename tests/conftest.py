"""Fixtures shared by every test: the network guard, the runner's situations,
the built site and the browser."""

from __future__ import annotations

import contextlib
import gc
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from tests import chromium
from tests.network import guarded
from tests.serving import serve
from tests.site import ROOT, SITE_PREFIX, SNIPPETS
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


@pytest.fixture
def port_in() -> Iterator[Callable[[str], int]]:
    """``port_in("refused")`` -> the real port of a fresh loopback situation."""
    with contextlib.ExitStack() as stack:

        def prepare(name: str) -> int:
            return stack.enter_context(SITUATIONS[name].start())

        yield prepare


@pytest.fixture(scope="session")
def recorded(pytestconfig: pytest.Config) -> None:
    """Skip checks of the whole tree while outputs are being recorded.

    With ``--update-examples`` the snippets write what the site includes, in
    any order: the build and the include checks run in the next, plain run.
    """
    if pytestconfig.getoption("--update-examples", default=False):
        pytest.skip("checked in a run without --update-examples, after recording")


def build_site(target: Path) -> None:
    """``mkdocs build --strict`` into ``target``; fails the caller with its output.

    Not ``-q``: quiet mode hides warnings from the strict-mode counter, and a
    broken link would then pass.
    """
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(target)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def built_site(
    recorded: None, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Path:
    """The site built once per run, shared by the pytest-xdist workers (their
    documented recipe: a file lock in the run's common temporary folder)."""
    if worker_id == "master":  # not under xdist
        target = tmp_path_factory.mktemp("site")
        build_site(target)
        return target
    common = tmp_path_factory.getbasetemp().parent
    target, verdict = common / "site", common / "site.verdict"
    with FileLock(common / "site.lock"):
        if not verdict.exists():
            try:
                build_site(target)
            except AssertionError as failed:
                verdict.write_text(str(failed), encoding="utf-8")
                raise
            verdict.write_text("", encoding="utf-8")
    failure = verdict.read_text(encoding="utf-8")
    assert not failure, failure  # every worker fails alike, without rebuilding
    return target


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site, served on loopback at its GitHub Pages path."""
    with serve(built_site) as port:
        yield f"http://127.0.0.1:{port}{SITE_PREFIX}"


@pytest.fixture(scope="session")
def browser() -> Iterator[chromium.Browser]:
    """One Chromium for the session (skips, with the reason, where it is missing)."""
    session = chromium.Browser(chromium.require_browser())
    try:
        yield session.launch()
    finally:
        session.close()


# Without the browser, most of the suite's time is spent waiting: on the
# timeouts the pages document, on programs starting in the lab. Two workers
# per core overlap those waits; Chromium computes, so a run with the browser
# keeps pytest-xdist's one worker per core.
WORKERS_PER_CORE_WITHOUT_BROWSER = 2


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: two workers per core for ``-m "not browser"``.

    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set; ``None`` leaves
    the choice to pytest-xdist.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    if "not browser" not in (config.option.markexpr or ""):
        return None
    return WORKERS_PER_CORE_WITHOUT_BROWSER * len(os.sched_getaffinity(0))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """End the process without its last full garbage collection.

    pytest has already collected once to report unraisable exceptions (its own
    ``pytest_unconfigure``, which runs before this one). A worker that ran the
    snippets holds every client library (300,000 objects), and the collection
    that interpreter shutdown makes over them took 0.6 s of each worker's end,
    while the run waits for them all; ``gc.freeze()`` spares it.
    """
    gc.freeze()
