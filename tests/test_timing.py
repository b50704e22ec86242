"""A timing class bounds the run's own time: waiting for a CPU on a busy
machine does not count, waiting for a timeout does."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.runner import check_time, cpu_wait
from tests.scenarios import INSTANT, Run


def test_time_spent_waiting_for_a_cpu_is_not_counted() -> None:
    check_time(1.8, Run(max_seconds=INSTANT), slack=0, cpu_wait=0.9)


def test_a_run_slow_off_the_cpu_still_fails() -> None:
    message = r"took 1\.800s \(0\.500s of it waiting for a CPU\), over 1\.0s"
    with pytest.raises(AssertionError, match=message):
        check_time(1.8, Run(max_seconds=INSTANT), slack=0, cpu_wait=0.5)


def test_a_lower_bound_counts_every_second() -> None:
    with pytest.raises(AssertionError, match=r"took 0\.100s"):
        check_time(0.1, Run(min_seconds=0.2), slack=0, cpu_wait=0.05)


@pytest.mark.skipif(
    not os.path.exists("/proc/thread-self/schedstat"),
    reason="the scheduler's statistics are Linux's (/proc/thread-self/schedstat)",
)
def test_cpu_wait_measures_the_turns_lost_to_busy_neighbours() -> None:
    """Three busy loops per core beside this thread: it waits for its turns."""
    spin = "while True: pass"
    loops = [
        subprocess.Popen([sys.executable, "-c", spin])
        for _ in range(3 * (os.cpu_count() or 1))
    ]
    try:
        time.sleep(0.1)  # the loops are running
        start = time.perf_counter()
        before = cpu_wait()
        while time.perf_counter() - start < 0.3:
            pass
        waited = cpu_wait() - before
        elapsed = time.perf_counter() - start
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    # Waited for most of the time (beside three loops per core, a thread gets
    # about a quarter of a core: 70% waiting measured), never longer than it.
    assert 0.5 * elapsed < waited <= elapsed, (waited, elapsed)
