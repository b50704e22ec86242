"""How each snippet is run: which loopback situation sits behind each port.

Every module in this package defines ``SCENARIOS``, a list of
:class:`Scenario`; :data:`ALL` gathers them. One module per folder of
``snippets/`` keeps contributions from colliding.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parents[2] / "snippets"
OUTPUTS = SNIPPETS / "saidas"

# Timing class of a refusal: on loopback it takes well under a millisecond;
# half a second of slack covers a busy machine, not a timeout.
INSTANT = 0.5
# localhost as many distributions resolve it: IPv6 first, then IPv4.
LOCALHOST_BOTH = {"localhost": ("::1", "127.0.0.1")}


@dataclass(frozen=True)
class Run:
    """One execution of a snippet.

    Attributes:
        ports: documented port -> situation name (see ``tests/loopback.py``).
        argv: command-line arguments (``sys.argv[1:]``) for the run.
        env: environment variables for the run; ``{port[N]}`` is replaced by
            the real port mapped from documented port ``N``.
        hosts: names resolved to these loopback addresses, in this order,
            e.g. ``{"localhost": ("::1", "127.0.0.1")}``.
        raises: exception type the snippet is documented to end with.
        exit_code: status the program exits with (``sys.exit``); 0 is a
            normal end.
        platforms: like ``Scenario.platforms``, for this run only.
        max_seconds: upper bound of the documented timing class.
        min_seconds: lower bound (e.g. a timeout that must be waited).
    """

    ports: Mapping[int, str] = field(default_factory=dict)
    argv: Sequence[str] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    hosts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    raises: type[BaseException] | None = None
    exit_code: int = 0
    platforms: tuple[str, ...] | None = None
    max_seconds: float | None = None
    min_seconds: float = 0.0


@dataclass(frozen=True)
class Scenario:
    """How one file of ``snippets/`` is proven.

    Attributes:
        snippet: path relative to ``snippets/``.
        main: the run whose output is the ``#>`` comments inside the file.
            ``None`` for a module that is not a program (then ``tested_by``).
        variants: other runs, by name; each one's output is recorded in
            ``snippets/saidas/<snippet without .py>.<name>.txt`` and must
            differ from the main output (the page shows both).
        tested_by: test file (relative to ``tests/``) that exercises a module.
        min_python: oldest Python the snippet runs on (skip below it).
        leaks: the snippet is the documented *bad* pattern that leaks a
            socket; the harness then requires the ``ResourceWarning``.
        platforms: ``sys.platform`` prefixes where the documented behaviour
            holds (e.g. ``("linux",)``); elsewhere the runs are skipped with
            that reason. ``None``: every platform.
    """

    snippet: str
    main: Run | None = field(default_factory=Run)
    variants: Mapping[str, Run] = field(default_factory=dict)
    tested_by: str | None = None
    min_python: tuple[int, int] = (3, 10)
    leaks: bool = False
    platforms: tuple[str, ...] | None = None

    @property
    def path(self) -> Path:
        return SNIPPETS / self.snippet

    def output_path(self, variant: str) -> Path:
        return OUTPUTS / f"{Path(self.snippet).with_suffix('')}.{variant}.txt"


# Proxy variables of the machine running the tests must not change a result.
NO_PROXY_ENV = {"NO_PROXY": "", "no_proxy": "", "HTTP_PROXY": "", "http_proxy": ""}


def refused_then_up(
    snippet: str,
    port: int,
    *,
    up: str = "listening",
    env: Mapping[str, str] | None = None,
) -> Scenario:
    """The most common proof: refused at once on ``port`` (the ``#>`` output),
    and the same code with a server there (variant ``servidor_ativo``)."""
    env = env or {}
    return Scenario(
        snippet,
        main=Run(ports={port: "refused"}, env=env, max_seconds=INSTANT),
        variants={"servidor_ativo": Run(ports={port: up}, env=env)},
    )


def _collect() -> list[Scenario]:
    scenarios: list[Scenario] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        scenarios.extend(module.SCENARIOS)
    return scenarios


ALL: list[Scenario] = _collect()
BY_SNIPPET: dict[str, Scenario] = {s.snippet: s for s in ALL}
