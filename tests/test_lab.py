"""Claims the site makes about real networks, proven in the network lab.

Each row runs a small probe program in a lab setup (tests/lab.py) at its
literal address and asserts what the kernel really did: the exception class,
the errno name and how long it took. Snippets run unmodified in the lab as
variants of their rows in ``tests/scenarios.py`` (``Run(lab=...)``).
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from tests import lab
from tests.programs import TRANSCRIPTS
from tests.site import DOCS

# The GitHub workflow runs the tests marked `lab` as root (`pytest -m lab`).
# Lab runs share one pytest-xdist worker: a test below checks that a run
# leaves no process behind, which another run at the same time would have.
pytestmark = pytest.mark.lab

CLIENT_TIMEOUT = 0.5  # the probe's socket timeout: the "drop" rows wait this long

# argv[1:]: "socket inet|inet6 HOST PORT" (one family, like socket.socket()),
# "create HOST PORT" (socket.create_connection: every address in order) or
# "resolve HOST PORT" (the addresses, in getaddrinfo's order).
# Prints what happened and how long it took.
PROBE = f"""
import errno, socket, sys, time
mode, *rest = sys.argv[1:]
start = time.monotonic()
try:
    if mode == "resolve":
        infos = socket.getaddrinfo(rest[0], int(rest[1]), type=socket.SOCK_STREAM)
        outcome = " ".join(info[4][0] for info in infos)
    elif mode == "socket":
        family = {{"inet": socket.AF_INET, "inet6": socket.AF_INET6}}[rest[0]]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout({CLIENT_TIMEOUT})
        with sock:
            sock.connect((rest[1], int(rest[2])))
            outcome = "connected"
    else:
        address = (rest[0], int(rest[1]))
        with socket.create_connection(address, timeout={CLIENT_TIMEOUT}) as sock:
            family = "IPv6" if sock.family == socket.AF_INET6 else "IPv4"
            outcome = "connected " + family
except OSError as exc:
    outcome = f"{{type(exc).__name__}} {{errno.errorcode.get(exc.errno, '-')}}"
print(outcome, time.monotonic() - start)
"""


class Timing(NamedTuple):
    """Bounds, in seconds, on how long the connect call took."""

    low: float
    high: float


AT_ONCE = Timing(0, 0.4)  # the call alone, before the client's timeout
CONNECTS = Timing(0, 2.0)  # resolving and connecting: only the outcome matters
AFTER_TIMEOUT = Timing(CLIENT_TIMEOUT, CLIENT_TIMEOUT + 0.3)
# The lab's shortened ARP (2 probes of 50 ms): well under the ~3 s default.
AFTER_ARP = Timing(lab.LAB_ARP_PROBES * lab.LAB_ARP_RETRANS_MS / 1000 * 0.8, 0.45)


class Claim(NamedTuple):
    setup: str
    probe: tuple[str, ...]
    outcome: str
    timing: Timing = AT_ONCE


DB = (lab.DB, "5432")
GATEWAY = lab.GATEWAY
CLAIMS: dict[str, Claim] = {
    "nothing_listening_is_refused": Claim(
        "nothing_listening_127", ("socket", "inet", "127.0.0.1", "8080"),
        "ConnectionRefusedError ECONNREFUSED",
    ),
    "db_server_without_firewall_connects": Claim(
        "db_server_open", ("socket", "inet", *DB), "connected",
    ),
    "firewall_reject_port_unreachable_is_refused": Claim(
        "firewall_reject_port", ("socket", "inet", *DB),
        "ConnectionRefusedError ECONNREFUSED",
    ),
    "firewall_reject_tcp_reset_is_refused": Claim(
        "firewall_reject_tcp_reset", ("socket", "inet", *DB),
        "ConnectionRefusedError ECONNREFUSED",
    ),
    "firewall_host_prohibited_is_ehostunreach_at_once": Claim(
        "firewall_reject_host_prohibited", ("socket", "inet", *DB),
        "OSError EHOSTUNREACH",
    ),
    "firewall_net_unreachable_is_enetunreach": Claim(
        "firewall_reject_net_unreachable", ("socket", "inet", *DB),
        "OSError ENETUNREACH",
    ),
    "firewall_drop_is_a_timeout": Claim(
        "firewall_drop", ("socket", "inet", *DB), "TimeoutError -", AFTER_TIMEOUT,
    ),
    "no_route_is_enetunreach_at_once": Claim(
        "no_route", ("socket", "inet", *DB), "OSError ENETUNREACH",
    ),
    "absent_host_is_ehostunreach_after_arp": Claim(
        "host_absent", ("socket", "inet", *DB), "OSError EHOSTUNREACH", AFTER_ARP,
    ),
    "ipv6_disabled_connect_to_v6_loopback_is_eaddrnotavail": Claim(
        "ipv6_disabled_dual_localhost", ("socket", "inet6", "::1", "8080"),
        "OSError EADDRNOTAVAIL",
    ),
    "ipv6_disabled_create_connection_connects_over_ipv4": Claim(
        "ipv6_disabled_dual_localhost", ("create", "localhost", "8080"),
        "connected IPv4", CONNECTS
    ),
    "ipv6_disabled_create_connection_reraises_when_nothing_listens": Claim(
        "ipv6_disabled_dual_localhost", ("create", "localhost", "8081"),
        # glibc sorts the unusable ::1 last (RFC 6724, rule 1) and
        # create_connection re-raises the last error: `except
        # ConnectionRefusedError` does not catch this failure.
        "OSError EADDRNOTAVAIL",
    ),
    "ipv6_disabled_sorts_v6_loopback_last": Claim(
        "ipv6_disabled_dual_localhost", ("resolve", "localhost", "8080"),
        "127.0.0.1 ::1", CONNECTS
    ),
    "dual_stack_sorts_v6_loopback_first": Claim(
        "dual_localhost_v6_server", ("resolve", "localhost", "8080"),
        "::1 127.0.0.1", CONNECTS,
    ),
    "dual_stack_sorts_v6_loopback_first_even_if_listed_last": Claim(
        "v4_first_localhost", ("resolve", "localhost", "8080"),
        "::1 127.0.0.1", CONNECTS,
    ),
    "dual_localhost_v6_server_refuses_an_ipv4_socket": Claim(
        "dual_localhost_v6_server", ("socket", "inet", "localhost", "8080"),
        "ConnectionRefusedError ECONNREFUSED",
    ),
    "dual_localhost_v6_server_accepts_create_connection": Claim(
        "dual_localhost_v6_server", ("create", "localhost", "8080"),
        "connected IPv6", CONNECTS,
    ),
    "dual_localhost_v4_server_refuses_an_ipv6_socket": Claim(
        "dual_localhost_v4_server", ("socket", "inet6", "localhost", "8080"),
        "ConnectionRefusedError ECONNREFUSED",
    ),
    "dual_localhost_v4_server_accepts_create_connection": Claim(
        "dual_localhost_v4_server", ("create", "localhost", "8080"),
        "connected IPv4", CONNECTS,
    ),
    "container_host_service_on_loopback_refuses_the_container": Claim(
        "container_host_loopback", ("socket", "inet", GATEWAY, "5432"),
        "ConnectionRefusedError ECONNREFUSED",
    ),
    "container_host_service_on_all_interfaces_accepts_the_container": Claim(
        "container_host_all", ("socket", "inet", GATEWAY, "5432"), "connected",
    ),
    "http_server_binds_all_interfaces_by_default": Claim(
        "container_host_http_server", ("socket", "inet", GATEWAY, "8000"), "connected",
    ),
}  # fmt: skip


def needs_the_lab(item: pytest.Item) -> bool:
    """Whether a collected test runs something in the lab."""
    function = getattr(item, "function", None)
    if function is None:
        return False
    if "needs_lab" in getattr(item, "fixturenames", ()):
        return True
    callspec = getattr(item, "callspec", None)
    if callspec is not None and {"scenario", "variant"} <= set(callspec.params):
        scenario, variant = callspec.params["scenario"], callspec.params["variant"]
        return scenario.variants[variant].lab is not None
    return _runs_in_the_lab(function)


@functools.cache  # read once per function, not once per parameter
def _runs_in_the_lab(function: Callable[..., object]) -> bool:
    try:
        source = inspect.getsource(function)
    except OSError:  # no source to read: nothing to say
        return False
    return "lab.require()" in source or "run_in_lab(" in source


def test_every_test_that_needs_the_lab_is_marked(
    request: pytest.FixtureRequest,
) -> None:
    """Where the suite runs unprivileged, lab tests skip; the GitHub workflow
    then runs ``pytest -m lab`` as root. An unmarked lab test would be skipped
    in both runs, and nothing would say so."""
    items = request.session.items
    unmarked = [
        item.nodeid
        for item in items
        if needs_the_lab(item) and item.get_closest_marker("lab") is None
    ]
    assert not unmarked, f"mark these @pytest.mark.lab: {unmarked}"


@pytest.fixture
def needs_lab() -> None:
    """Skip where namespaces cannot be made (fail instead under REQUIRE_LAB=1)."""
    lab.require()


@pytest.mark.usefixtures("needs_lab")
@pytest.mark.parametrize("claim", CLAIMS.values(), ids=CLAIMS.keys())
def test_claim(claim: Claim) -> None:
    result = lab.run(claim.setup, [sys.executable, "-c", PROBE, *claim.probe])
    assert result.returncode == 0, result.output
    outcome, _, seconds = result.output.strip().rpartition(" ")
    assert outcome == claim.outcome, result.output
    assert claim.timing.low <= float(seconds) <= claim.timing.high, (
        f"{outcome} after {float(seconds):.3f} s, expected {claim.timing}"
    )


@pytest.mark.usefixtures("needs_lab")
def test_default_arp_gives_up_after_three_probes_one_second_apart() -> None:
    """The page's "3 tentativas a cada 1 s": a fresh namespace's defaults."""
    neigh = "/proc/sys/net/ipv4/neigh/eth0"  # the container's veth, untouched
    files = [f"{neigh}/mcast_solicit", f"{neigh}/retrans_time_ms"]
    result = lab.run("container_host_all", ["cat", *files])
    assert result.output.split() == ["3", "1000"]
    assert lab.DEFAULT_ARP_SECONDS == 3 * 1000 / 1000


# --------------------------------------------------------------------------
# The lab itself: unknown names, bounded waits, nothing left behind.
# --------------------------------------------------------------------------


def test_unknown_setup_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: nothing_listening_127, "):
        lab.run("no_such_setup", ["true"])


def test_every_setup_says_what_it_stands_for() -> None:
    for name, setup in lab.SETUPS.items():
        assert setup.doc, name
        assert "\n" not in setup.doc, name


def lab_traces(mark: str) -> set[str]:
    """What a leaking run would leave: named namespaces, links, and the
    processes of the run started with ``LAB_TRACE=mark`` in its environment
    (other lab runs on the machine come and go beside it)."""
    links = subprocess.run(
        ["ip", "-o", "link"], capture_output=True, text=True, check=True
    ).stdout
    traces = {f"link {line.split(':')[1].strip()}" for line in links.splitlines()}
    if Path("/run/netns").exists():
        traces |= {f"netns {p.name}" for p in Path("/run/netns").iterdir()}
    for proc in Path("/proc").iterdir():
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"LAB_TRACE={mark}".encode() in environ:
            traces.add(f"process {proc.name}")
    return traces


@pytest.mark.usefixtures("needs_lab")
def test_a_timeout_kills_everything_and_leaves_nothing() -> None:
    mark = f"{os.getpid()}-{time.monotonic_ns()}"
    before = lab_traces(mark)
    start = time.monotonic()
    with pytest.raises(lab.LabError, match="still running after 0.5 s"):
        lab.run(
            "container_host_all",
            [sys.executable, "-c", "import time; time.sleep(30)"],
            env={"LAB_TRACE": mark},
            timeout=0.5,
        )
    assert time.monotonic() - start < 2
    lab.run("firewall_drop", ["true"])
    assert lab_traces(mark) == before


# A test process that starts a long lab run and is then killed with SIGKILL,
# before ``run`` can clean anything.
KILLED_RUNNER = f"""
import sys
sys.path.insert(0, {str(lab.ROOT)!r})
from tests import lab
lab.run("nothing_listening_127", ["sleep", "60"], timeout=120)
"""


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (zombies count as gone)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, pending = set(), [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:  # it just ended
        return ""


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


@pytest.mark.usefixtures("needs_lab")
def test_killing_the_test_process_takes_the_lab_down(tmp_path: Path) -> None:
    """``kill -9`` of the test process alone: the ``unshare`` tree dies with it
    (nothing re-parented to PID 1 keeps running), and the next run removes
    the temporary folder it left. The killed process keeps its folder in
    ``tmp_path``, out of reach of lab runs in other test processes."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    with subprocess.Popen([sys.executable, "-c", KILLED_RUNNER], env=env) as runner:
        deadline = time.monotonic() + 20
        tree: set[int] = set()
        while time.monotonic() < deadline:
            tree = descendants(runner.pid)
            commands = {command_of(pid) for pid in alive(tree)}
            if "sleep" in commands:
                break
            time.sleep(0.02)
        assert "sleep" in commands, "the lab run did not start"
        folders = list(tmp_path.glob(f"lab-{runner.pid}-*"))
        assert len(folders) == 1
        runner.kill()
        runner.wait()
    deadline = time.monotonic() + 5
    while alive(tree) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert alive(tree) == set(), "lab processes outlived the test process"
    assert folders[0].exists(), "nobody was left to remove it"
    assert folders[0] in lab.remove_stale_folders(tmp_path)
    assert not folders[0].exists()


@pytest.mark.usefixtures("needs_lab")
def test_a_failing_setup_reports_its_log() -> None:
    broken = lab.Setup("A setup whose command fails.", ("ip link set nosuchlink up",))
    lab.SETUPS["broken_for_test"] = broken
    try:
        with pytest.raises(lab.LabError, match="nosuchlink"):
            lab.run("broken_for_test", ["true"])
    finally:
        del lab.SETUPS["broken_for_test"]


@pytest.mark.usefixtures("needs_lab")
def test_output_is_merged_in_order_with_the_exit_status() -> None:
    code = (
        "import sys; print('a', flush=True); "
        "print('b', file=sys.stderr, flush=True); print('c'); sys.exit(3)"
    )
    result = lab.run("nothing_listening_127", [sys.executable, "-c", code])
    assert (result.returncode, result.output) == (3, "a\nb\nc\n")
    assert 0 < result.seconds < 1


@pytest.mark.parametrize(
    ("euid", "missing", "expected"),
    [(1000, None, "needs root"), (0, "nft", "needs nft"), (0, "ip", "needs ip")],
)
def test_unavailable_reason_names_what_is_missing(
    euid: int, missing: str | None, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lab.os, "geteuid", lambda: euid)
    monkeypatch.setattr(
        lab.shutil, "which", lambda tool: None if tool == missing else tool
    )
    lab.unavailable_reason.cache_clear()
    try:
        assert expected in (lab.unavailable_reason() or "")
    finally:
        lab.unavailable_reason.cache_clear()


@pytest.mark.parametrize(("required", "outcome"), [("1", "fail"), ("", "skip")])
def test_require_skips_or_fails_when_the_lab_cannot_run(
    required: str, outcome: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lab, "unavailable_reason", lambda: "no namespaces here")
    monkeypatch.setenv("REQUIRE_LAB", required)
    expected = pytest.fail.Exception if outcome == "fail" else pytest.skip.Exception
    with pytest.raises(expected, match="no namespaces here"):
        lab.require()


PROOF_MARKER = re.compile(r"<!-- prova-lab: ([\w, ]+) -->")


def test_pages_point_at_their_lab_proofs() -> None:
    """A page claim proven here carries ``<!-- prova-lab: NAME -->`` next to it:
    every marker names a row of CLAIMS, and every row backs some page."""
    named: dict[str, list[str]] = {}
    for page in sorted(DOCS.rglob("*.md")):
        for match in PROOF_MARKER.finditer(page.read_text(encoding="utf-8")):
            for name in match[1].replace(" ", "").split(","):
                named.setdefault(name, []).append(page.relative_to(DOCS).as_posix())
    # The claims probed here, and the other programs' transcripts
    # (tests/programs.py, run by test_programs.py).
    proofs = set(CLAIMS) | set(TRANSCRIPTS)
    unknown = {name: pages for name, pages in named.items() if name not in proofs}
    assert not unknown, f"markers naming no claim: {unknown}"
    unclaimed = sorted(proofs - set(named))
    assert not unclaimed, f"claims no page points at: {unclaimed}"
