"""Fixtures shared by every test: the network guard and the snippet runner."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.network import guarded
from tests.site import ROOT, SNIPPETS
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


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once per session with ``mkdocs build --strict``.

    Not ``-q``: quiet mode hides warnings from the strict-mode counter, and a
    broken link would then pass.
    """
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture
def port_in() -> Iterator[Callable[[str], int]]:
    """``port_in("refused")`` -> the real port of a fresh loopback situation."""
    with contextlib.ExitStack() as stack:

        def prepare(name: str) -> int:
            return stack.enter_context(SITUATIONS[name].start())

        yield prepare


@pytest.hookimpl(trylast=True)  # after any shuffling (pytest-randomly)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Only when recording: the checks of the whole tree after the snippets.

    With ``--update-examples``, the snippet runs record the outputs that the
    completeness check and the site build then find. Otherwise the order is
    free (and shuffled in the random-order runs).
    """
    if config.getoption("--update-examples", default=False):
        last = {"test_completeness.py": 1, "test_site.py": 1}
        items.sort(key=lambda item: last.get(item.path.name, 0))
