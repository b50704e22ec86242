"""Run a snippet file the way the page says it runs, and check what it does."""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import traceback
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_examples import CodeExample, EvalExample
from ruff.__main__ import find_ruff_bin

from tests import lab
from tests.network import mapped
from tests.paths import ROOT
from tests.scenarios import Run, Scenario, imported_modules
from tests.situations import SITUATIONS

# Windows retries a refused connection attempt before reporting it (about
# 2 s per address, and localhost tries ::1 first): its "immediate" refusal is
# seconds, not microseconds. The pages say so; the timing classes allow it.
WINDOWS_REFUSAL_DELAY = 5.0 if sys.platform == "win32" else 0.0

SEED = 20261126
# Signals a program may handle; restored after each in-process run.
STOP_SIGNALS = [
    getattr(signal, name)
    for name in ("SIGHUP", "SIGINT", "SIGTERM")
    if hasattr(signal, name)
]
PRINT_COMMENT = re.compile(r"^( *#)> ", re.MULTILINE)
SPACED_PRINT_COMMENT = re.compile(r"^( *#) > ", re.MULTILINE)


class RunTimedOut(BaseException):
    """Raised inside a run that outlives its timing class by far (a client
    with no timeout facing a server that never answers); a BaseException so
    that a snippet's ``except Exception`` cannot swallow it."""


# How far past its timing class a run may go before it is interrupted: room
# for a busy machine's CPU waits (the class itself is checked afterwards);
# this only stops a client that would hang without a timeout.
OVERRUN_SECONDS = 10.0


@contextlib.contextmanager
def interrupted_after(seconds: float) -> Iterator[None]:
    """Raise :class:`RunTimedOut` in this (main) thread after ``seconds``.

    A timer thread sends SIGUSR1 to the main thread: the blocking call gets
    EINTR and the handler raises. Without SIGUSR1 (Windows) or off the main
    thread, pytest-timeout's global limit is the only bound.
    """
    usable = hasattr(signal, "pthread_kill") and hasattr(signal, "SIGUSR1")
    if not usable or threading.current_thread() is not threading.main_thread():
        yield
        return
    message = (
        f"still running after {seconds:.1f}s: the client waits for an answer "
        "that never comes. Give it a timeout (settimeout, timeout=...; for a "
        "client without one, socket.setdefaulttimeout) or face it with a "
        "situation that answers"
    )

    def interrupt(signum: int, frame: object) -> None:
        raise RunTimedOut(message)

    previous = signal.signal(signal.SIGUSR1, interrupt)
    main = threading.main_thread().ident
    assert main is not None
    timer = threading.Timer(seconds, signal.pthread_kill, args=(main, signal.SIGUSR1))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()
        signal.signal(signal.SIGUSR1, previous)


@dataclass
class Outcome:
    """What one run did."""

    seconds: float
    exception: BaseException | None
    resource_warnings: list[str]
    # Where pytest-examples ran its copy of the file: frames of a
    # BaseException keep the copy's name (an Exception's are renamed).
    copy_folder: str = ""
    # Of ``seconds``, the time the run was ready to go on but waited for a CPU
    # (a busy machine), which the timing classes do not count.
    cpu_wait: float = 0.0


def cpu_wait() -> float:
    """Seconds this thread has spent ready to run, waiting for a CPU (Linux's
    scheduler statistics; 0 where the system does not keep them)."""
    try:
        stats = Path("/proc/thread-self/schedstat").read_text(encoding="ascii")
    except OSError:
        return 0.0
    return int(stats.split()[1]) / 1e9


def example_for(path: Path) -> CodeExample:
    """The whole file as one pytest-examples example (updates rewrite the file)."""
    return CodeExample.create(path.read_text(encoding="utf-8"), path=path)


def configure(eval_example: EvalExample, scenario: Scenario) -> None:
    """Project lint settings (the rules themselves live in pyproject.toml)."""
    major, minor = scenario.min_python
    eval_example.set_config(
        line_length=88, target_version=f"py{major}{minor}", ruff_line_length=88
    )


@contextlib.contextmanager
def situations_behind(run: Run) -> Iterator[dict[int, int]]:
    """Start each documented port's situation and map the port onto it.

    Yields ``documented port -> real port``.
    """
    with contextlib.ExitStack() as stack:
        real = {
            port: stack.enter_context(SITUATIONS[name].start())
            for port, name in run.ports.items()
        }
        with mapped(real, run.hosts):
            yield real


def preload_imports(path: Path) -> None:
    """Import what the snippet imports, so its timing class measures the
    network, not a library's first import on a busy machine."""
    for module in imported_modules(path) - sys.modules.keys() - _NOT_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:  # ``from x import name``: a name, not a module
            _NOT_MODULES.add(module)


_NOT_MODULES: set[str] = set()


@contextlib.contextmanager
def _program_context(run: Run, real_ports: dict[int, int], name: str) -> Iterator[None]:
    """argv, environment and ``__main__`` as a program started from a shell has."""
    saved_argv, saved_main = sys.argv, sys.modules.get("__main__")
    # A program may set its own signal handlers (diagnostico.py does); they
    # must not outlive it in this process.
    saved_handlers = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    env = {key: value.format(port=real_ports) for key, value in run.env.items()}
    saved_env = {key: os.environ.get(key) for key in env}
    sys.argv = [name, *run.argv]
    os.environ.update(env)
    # urlopen() keeps the opener of its first call, with the proxies of that
    # moment's environment; a new program starts without one.
    urllib.request.install_opener(None)
    try:
        yield
    finally:
        sys.argv = saved_argv
        for sig, handler in saved_handlers.items():
            signal.signal(sig, handler)
        if saved_main is not None:
            sys.modules["__main__"] = saved_main
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _forget_django_settings()


def _forget_django_settings() -> None:
    """Django keeps ``settings.configure(...)`` in its module for the whole
    process; a program starts without it, so each snippet configures its own."""
    conf = sys.modules.get("django.conf")
    if conf is None or not conf.settings.configured:
        return
    from django.db import connections
    from django.utils.functional import empty

    connections.close_all()
    connections.__dict__.pop("settings", None)  # a cached_property...
    connections._settings = None  # ...computed from this
    conf.settings._wrapped = empty


def run_snippet(
    eval_example: EvalExample, scenario: Scenario, run: Run, *, check_prints: bool
) -> Outcome:
    """Run ``scenario``'s file under ``run``; check or update its ``#>`` comments.

    The run happens in this process (pytest-examples executes the file as
    ``__main__``) with the documented ports mapped onto loopback situations.
    """
    example = example_for(scenario.path)
    configure(eval_example, scenario)
    preload_imports(scenario.path)
    exception: BaseException | None = None
    # What exists now is not the run's: the collection after the run looks
    # only at what the run made (a full collection of the session's objects
    # cost more than most runs).
    gc.freeze()
    with (
        contextlib.ExitStack() as frozen,
        warnings.catch_warnings(record=True) as caught,
    ):
        frozen.callback(gc.unfreeze)
        warnings.simplefilter("always", ResourceWarning)
        with (
            situations_behind(run) as real_ports,
            _program_context(run, real_ports, scenario.path.name),
        ):
            # Back-off jitter and the like: the same numbers on every run.
            random.seed(SEED)
            limit = run.max_seconds + WINDOWS_REFUSAL_DELAY + OVERRUN_SECONDS
            start, waited = time.perf_counter(), cpu_wait()
            try:
                with interrupted_after(limit):
                    if not check_prints:
                        eval_example.run(example)
                    elif eval_example.update_examples:
                        eval_example.run_print_update(example)
                        _write_updates_now(eval_example)
                    else:
                        eval_example.run_print_check(example)
            except (Exception, SystemExit, RunTimedOut) as exc:  # judged below
                exception = exc
            seconds = time.perf_counter() - start
            waited = cpu_wait() - waited
        # The module is gone from sys.modules: collect it so an unclosed
        # socket warns now, inside this run, and not in some later test.
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    return Outcome(seconds, exception, leaks, str(eval_example.tmp_path), waited)


# A lab run is a fresh interpreter: its start-up counts in its time.
LAB_STARTUP = 1.0


def run_in_lab(scenario: Scenario, run: Run) -> str:
    """Run the file as a real program in ``run.lab``'s namespace; its output.

    Skips where namespaces cannot be made (fails under ``REQUIRE_LAB=1``).
    """
    lab.require()
    argv = [sys.executable, "-W", "error::ResourceWarning", str(scenario.path)]
    timeout = run.max_seconds + LAB_STARTUP + 5
    result = lab.run(run.lab, [*argv, *run.argv], env=run.env, timeout=timeout)
    assert result.returncode == run.exit_code, result.output
    check_time(result.seconds, run, slack=LAB_STARTUP)
    return result.output


def record_or_compare(path: Path, output: str, request: pytest.FixtureRequest) -> None:
    """Write ``output`` under ``--update-examples``; otherwise it must match."""
    if request.config.getoption("--update-examples"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output, encoding="utf-8")
        return
    command = f"python -m pytest {shlex.quote(request.node.nodeid)} --update-examples"
    assert path.exists(), f"{path.name} is missing; record it with: {command}"
    assert output == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; re-record with: {command}"
    )


def _write_updates_now(eval_example: EvalExample) -> None:
    """Write updated ``#>`` comments at once, so the format check that runs
    later in the session sees (and formats) the new file."""
    for example in eval_example.to_update:
        example.path.write_text(example.source, encoding="utf-8")
    eval_example.to_update.clear()


def snippet_line(scenario: Scenario, outcome: Outcome) -> str:
    """``snippets/<file>:<line>``: the deepest line of the snippet itself in
    the traceback of the run's exception (the file alone if there is none)."""
    path = scenario.path
    where = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path
    exc, line = outcome.exception, None
    tb = exc.__traceback__ if exc is not None else None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        copy = bool(outcome.copy_folder) and filename.startswith(outcome.copy_folder)
        if filename == str(path) or copy:
            line = tb.tb_lineno
        tb = tb.tb_next
    return f"{where}" if line is None else f"{where}:{line}"


def judge(scenario: Scenario, run: Run, outcome: Outcome) -> None:
    """Fail unless the outcome is what the page documents; a failure names
    the snippet's own file and line, not the harness's."""
    exc = outcome.exception
    if isinstance(exc, pytest.fail.Exception):
        raise exc
    where = snippet_line(scenario, outcome)
    if isinstance(exc, RunTimedOut):
        pytest.fail(f"{where}: {exc}", pytrace=False)
    if isinstance(exc, SystemExit):
        code = 0 if exc.code is None else exc.code
        if code != run.exit_code:
            pytest.fail(
                f"{where}: exit status {code!r}, expected {run.exit_code}",
                pytrace=False,
            )
        exc = None
    elif run.exit_code:
        pytest.fail(
            f"{where}: expected exit status {run.exit_code}, got {exc!r}",
            pytrace=False,
        )
    if run.raises is None and exc is not None:
        # Not re-raised: pytest-examples rewrites the traceback to point into
        # the snippet, and neither pytest nor `traceback` can walk it.
        details = "".join(traceback.format_exception_only(exc)).strip()
        pytest.fail(f"{where} raised {details}", pytrace=False)
    if run.raises is not None and not isinstance(exc, run.raises):
        pytest.fail(
            f"{where}: expected {run.raises.__name__}, got {exc!r}", pytrace=False
        )
    if scenario.leaks and not outcome.resource_warnings:
        pytest.fail(f"{where}: documented leak produced no ResourceWarning")
    if not scenario.leaks and outcome.resource_warnings:
        pytest.fail(f"{where}: {outcome.resource_warnings}", pytrace=False)
    try:
        check_time(
            outcome.seconds,
            run,
            slack=WINDOWS_REFUSAL_DELAY,
            cpu_wait=outcome.cpu_wait,
        )
        timing = None
    except AssertionError as error:
        timing = str(error)
    if timing is not None:  # outside the except: no chained traceback
        pytest.fail(f"{where}: {timing}", pytrace=False)


def check_time(seconds: float, run: Run, *, slack: float, cpu_wait: float = 0) -> None:
    """The run's timing class, with ``slack`` added to its upper bound.

    The upper bound is checked on the time the run did not spend waiting for
    a CPU: on a busy machine a refusal still takes microseconds, while the
    run waits its turn. A run that waited for a timeout waited off the CPU,
    and still fails.
    """
    limit = run.max_seconds + slack
    own = seconds - cpu_wait
    busy = f" ({cpu_wait:.3f}s of it waiting for a CPU)" if cpu_wait >= 0.001 else ""
    assert own <= limit, f"took {seconds:.3f}s{busy}, over {limit}s"
    assert seconds >= run.min_seconds, f"took {seconds:.3f}s"


def documented_output(path: Path) -> str:
    """The output a page shows for the main run: the file's ``#>`` lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(
        line.strip()[3:] for line in lines if line.strip().startswith("#> ")
    )


def ruff_format_check(path: Path, *, update: bool) -> None:
    """``ruff format`` the file, keeping ``#>`` comments (ruff would space them)."""
    source = path.read_text(encoding="utf-8")
    spaced = PRINT_COMMENT.sub(r"\1 > ", source)
    result = subprocess.run(
        [
            find_ruff_bin(),
            "format",
            # pytest-examples writes long outputs between triple single quotes;
            # keep them (ruff check's Q000 still wants double quotes in code).
            "--config",
            "format.quote-style = 'preserve'",
            "--stdin-filename",
            str(path),
            "-",
        ],
        input=spaced,
        capture_output=True,
        text=True,
        check=True,
    )
    formatted = SPACED_PRINT_COMMENT.sub(r"\1> ", result.stdout)
    if formatted == source:
        return
    if update:
        path.write_text(formatted, encoding="utf-8")
        return
    pytest.fail(
        f"{path.name} is not ruff-formatted; run pytest --update-examples",
        pytrace=False,
    )
