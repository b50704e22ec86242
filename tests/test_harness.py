"""The suite's own tools: what it relies on from pytest-xdist (at the pinned
versions) and the benchmark's handling of bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts import benchmark

GROUPED = """
import os
from pathlib import Path

import pytest


@pytest.mark.xdist_group("one")
@pytest.mark.parametrize("n", range(6))
def test_grouped(n):
    out = Path(os.environ["WORKERS_SEEN"]) / f"grouped-{n}"
    out.write_text(os.environ["PYTEST_XDIST_WORKER"])


@pytest.mark.parametrize("n", range(6))
def test_free(n):
    pass
"""


def test_loadgroup_keeps_a_group_on_one_worker(tmp_path: Path) -> None:
    """The browser tests of a page, and the spelling tests, share one worker
    through ``xdist_group`` (``--dist loadgroup`` in pyproject.toml).

    pytest 9.2 with pytest-xdist 3.8.0 drops the group without a word
    (pytest-xdist#1386): the tests still pass, spread over every worker.
    """
    (tmp_path / "test_grouped.py").write_text(GROUPED, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    seen = tmp_path / "seen"
    seen.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "xdist", "-n", "2"]
        + ["--dist", "loadgroup", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        # Only pytest-xdist: the other plugins' imports would double the cost.
        env={
            "WORKERS_SEEN": str(seen),
            "PATH": "/usr/bin:/bin",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    workers = {path.read_text() for path in seen.iterdir()}
    assert len(list(seen.iterdir())) == 6
    assert len(workers) == 1, f"one group ran on {sorted(workers)}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--builds", "-1"], "um número inteiro >= 0, não '-1'"),
        (["--quick-runs", "x"], "um número inteiro >= 0, não 'x'"),
        (["--builds", "0"], "--builds 0 precisa de --skip-lighthouse"),
    ],
)
def test_benchmark_refuses_bad_counts_before_measuring(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        benchmark.main(argv)
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert message in err
    assert out == ""
