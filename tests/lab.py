"""The network lab: run a real program inside a fresh Linux network namespace.

``run("firewall_drop", [sys.executable, "snippets/x.py"])`` starts the program
at its literal host and port (no mapping) in a namespace that a named setup
has prepared with real listeners, nftables rules, routes, a hosts file or a
veth "host <-> container" pair, and returns its merged output, exit status and
duration.

How a run is isolated and cleaned up: ``unshare --net --mount --pid --fork
--kill-child`` gives the setup script its own network, mount and PID
namespaces. The script is PID 1 there, so when it ends (or when ``unshare`` is
killed on a timeout) the kernel kills every listener it started, and the
namespaces, veths, nftables tables, the tmpfs on ``/run`` that holds the named
``ip netns`` namespaces and the bind-mounted hosts file go with them. Nothing
outlives a run except the temporary folder, which ``run`` removes itself.

If the test process itself is killed (``kill -9``), ``unshare`` gets SIGKILL
too (``setpriv --pdeathsig KILL``, the parent-death signal of prctl(2)), and
``--kill-child`` takes the namespace down with it. The parent-death signal
follows the *thread* that started ``unshare``: call ``run`` from a thread that
outlives the run. The temporary folder left behind by a killed process is
removed by the next ``run`` (:func:`remove_stale_folders`).

Addresses: loopback and the documentation ranges only (192.0.2.0/24,
198.51.100.0/24, 203.0.113.0/24); each setup says which real address its
documentation address stands for.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.paths import ROOT

TOOLS = ("unshare", "setpriv", "ip", "nft")
# Temporary folders: lab-PID-random, PID being the test process that made it.
FOLDER_PREFIX = "lab-"
STALE_FOLDER = re.compile(rf"{FOLDER_PREFIX}(\d+)-")

# The kernel's defaults for an unanswered ARP request: 3 probes 1 s apart, so
# a connect to an absent neighbour fails with EHOSTUNREACH after about 3 s.
DEFAULT_ARP_SECONDS = 3.0
# The lab's shortened neighbour discovery: 2 probes 50 ms apart.
LAB_ARP_PROBES, LAB_ARP_RETRANS_MS = 2, 50

# Listeners and background services in a namespace: ``listen ADDR PORT...``
# binds and listens, then forks, so the socket is listening when the command
# returns (no polling). ``start ADDR PORT CMD...`` starts a program and waits,
# bounded, until ADDR:PORT accepts. Both leave their child to be killed with
# the PID namespace; the child also gives up after a minute on its own.
HELPER = r"""
import os, socket, subprocess, sys, time
mode, *args = sys.argv[1:]
if mode == "listen":
    servers = []
    for address, port in zip(args[::2], args[1::2]):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        servers.append(socket.create_server((address, int(port)), family=family))
    if os.fork():
        os._exit(0)
    deadline = time.monotonic() + 60
    for server in servers:
        server.settimeout(0.05)
    while time.monotonic() < deadline:
        for server in servers:
            try:
                server.accept()[0].close()
            except TimeoutError:
                pass
elif mode == "start":
    address, port, *command = args
    quiet = subprocess.DEVNULL
    child = subprocess.Popen(command, stdout=quiet, stderr=quiet)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and child.poll() is None:
        try:
            socket.create_connection((address, int(port)), timeout=0.2).close()
            sys.exit(0)
        except OSError:
            time.sleep(0.01)
    sys.exit(f"{command[0]} did not accept on {address}:{port}")
"""


PYTHON = shlex.quote(sys.executable)
HELPER_COMMAND = f'{PYTHON} -I -S -c "$HELPER"'


@dataclass(frozen=True)
class LabResult:
    """What a program run in the lab did."""

    returncode: int
    output: str  # stdout and stderr merged, in order
    seconds: float  # the program alone, not the setup
    after: str = ""  # what the setup's ``after`` lines printed


@dataclass(frozen=True)
class Setup:
    """A namespace recipe: shell lines run as root inside the program's namespace."""

    doc: str  # the real situation this stands for, in one line
    lines: tuple[str, ...] = ()
    hosts: str | None = None  # bind-mounted over /etc/hosts
    program_netns: str | None = None  # run the program in this named namespace
    resolv: str | None = None  # bind-mounted over /etc/resolv.conf
    after: tuple[str, ...] = ()  # shell lines run after the program


class LabError(RuntimeError):
    """The lab could not prepare a setup, or the program outlived its timeout."""


# --------------------------------------------------------------------------
# Building blocks (each returns shell lines).
# --------------------------------------------------------------------------


def _in(netns: str | None, command: str) -> str:
    return f"ip netns exec {netns} {command}" if netns else command


def listen(*endpoints: str, netns: str | None = None) -> tuple[str, ...]:
    """Real listening sockets, e.g. ``listen("127.0.0.1:5432", "[::1]:8080")``."""
    args = []
    for endpoint in endpoints:
        address, _, port = endpoint.rpartition(":")
        args += [address.strip("[]"), port]
    return (_in(netns, f"{HELPER_COMMAND} listen {' '.join(args)}"),)


def start(
    address: str, port: int, command: str, netns: str | None = None
) -> tuple[str, ...]:
    """A background program, waited for (bounded) until address:port accepts."""
    return (_in(netns, f"{HELPER_COMMAND} start {address} {port} {command}"),)


def nft(rules: str, netns: str | None = None, family: str = "ip") -> tuple[str, ...]:
    """nftables rules in an ``input`` chain: the receiving host's firewall."""
    chain = f"chain input {{\n type filter hook input priority 0;\n {rules}\n}}"
    table = f"table {family} lab {{\n{chain}\n}}"
    return (_in(netns, f"nft -f - <<'NFT'\n{table}\nNFT"),)


def peer(
    netns: str, local: str, remote: str | None, gateway: str | None = None
) -> tuple[str, ...]:
    """A veth link from this namespace (``lab0``, ``local``) to ``eth0`` in ``netns``.

    ``remote`` is eth0's address (``None``: up but without an address, so no
    one answers ARP); ``gateway`` gives ``netns`` a default route through it.
    """
    lines = [
        f"ip netns add {netns}",
        f"ip -n {netns} link set lo up",
        f"ip link add lab0 type veth peer name eth0 netns {netns}",
        f"ip addr add {local} dev lab0",
        "ip link set lab0 up",
        f"ip -n {netns} link set eth0 up",
    ]
    if remote:
        lines.append(f"ip -n {netns} addr add {remote} dev eth0")
    if gateway:
        lines.append(f"ip -n {netns} route add default via {gateway}")
    return tuple(lines)


def sysctl(key: str, value: int) -> tuple[str, ...]:
    return (f"echo {value} > /proc/sys/{key.replace('.', '/')}",)


DUAL_LOCALHOST = "::1 localhost\n127.0.0.1 localhost\n"
"""A hosts file as most Linux systems ship it: ``localhost`` is both loopbacks."""
V4_FIRST_LOCALHOST = "127.0.0.1 localhost\n::1 localhost\n"
"""The same two lines with ``127.0.0.1`` first, as some distributions write them."""

# 192.0.2.10 stands for a database server across the network; port 5432 is
# PostgreSQL's. A server listens behind each rule, so the client meets the
# firewall, not an absent server.
DB = "192.0.2.10"
_DB_SERVER = (
    *peer("server", "192.0.2.1/24", f"{DB}/24"),
    *listen(f"{DB}:5432", netns="server"),
)


def _firewall(rule: str) -> tuple[str, ...]:
    return (*_DB_SERVER, *nft(f"tcp dport 5432 {rule}", netns="server"))


# 198.51.100.1 stands for the host as a container sees it: Docker's bridge
# gateway (172.17.0.1 by default) or host.docker.internal; 198.51.100.2 is the
# container's own address.
GATEWAY = "198.51.100.1"
_CONTAINER = peer("container", f"{GATEWAY}/24", "198.51.100.2/24", gateway=GATEWAY)

# Nothing but loopback, and a trap for anything else: the default routes lead
# into a veth whose other end is in an empty namespace, and nftables counts
# and rejects every packet sent there (the connect or the send fails at once,
# EHOSTUNREACH or EPERM). DNS goes to 192.0.2.53 (no server: it stands for
# the machine's own resolver), so a query is counted too. The C clients
# (libpq), whose connect() no Python hook sees, run here: the counter proves
# that nothing tried to leave.
_TRAP_COUNTER = "nft list counter inet trap escaped"
_TRAP = (
    "ip netns add void",
    "ip link add trap0 type veth peer name eth0 netns void",
    "ip addr add 192.0.2.254/32 dev trap0",
    "ip link set trap0 up",
    "ip route add default dev trap0",
    "ip -6 route add default dev trap0",
    "nft -f - <<'NFT'\n"
    "table inet trap {\n counter escaped {}\n chain output {\n"
    "  type filter hook output priority 0;\n"
    '  oifname "trap0" counter name "escaped" '
    "reject with icmpx type admin-prohibited\n }\n}\nNFT",
)
TRAP_RESOLVER = "nameserver 192.0.2.53\n"


def escaped_packets(result: LabResult) -> int:
    """How many packets a run in a ``loopback_only`` setup sent off loopback."""
    found = re.search(r"packets (\d+)", result.after)
    if found is None:
        raise LabError(f"no trap counter in the lab's report:\n{result.after}")
    return int(found.group(1))


# --------------------------------------------------------------------------
# The setups. Every one starts with only ``lo``, up.
# --------------------------------------------------------------------------

SETUPS: dict[str, Setup] = {
    "nothing_listening_127": Setup(
        "A machine where nothing listens on 127.0.0.1: the kernel refuses at once.",
    ),
    "listening_127": Setup(
        "A service on 127.0.0.1:8080, reached from the same machine.",
        listen("127.0.0.1:8080"),
    ),
    "db_server_open": Setup(
        "The database server at 192.0.2.10:5432 with no firewall: the control "
        "for the rules below.",
        _DB_SERVER,
    ),
    "firewall_reject_port": Setup(
        "A firewall in front of 192.0.2.10:5432 with `reject` (iptables -j REJECT): "
        "ICMP port-unreachable, refused like a closed port.",
        _firewall("reject"),
    ),
    "firewall_reject_tcp_reset": Setup(
        "A firewall in front of 192.0.2.10:5432 with `reject with tcp reset`: "
        "a RST, refused.",
        _firewall("reject with tcp reset"),
    ),
    "firewall_reject_host_prohibited": Setup(
        "A firewall in front of 192.0.2.10:5432 answering ICMP host-prohibited "
        "(firewalld's and RHEL's default): EHOSTUNREACH at once.",
        _firewall("reject with icmp type host-prohibited"),
    ),
    "firewall_reject_net_unreachable": Setup(
        "A firewall in front of 192.0.2.10:5432 answering ICMP net-unreachable: "
        "ENETUNREACH.",
        _firewall("reject with icmp type net-unreachable"),
    ),
    "firewall_drop": Setup(
        "A firewall in front of 192.0.2.10:5432 that drops silently (cloud security "
        "groups, `-j DROP`): the client waits until its timeout.",
        _firewall("drop"),
    ),
    "no_route": Setup(
        "A machine with no network but loopback (no default route, VPN down): "
        "any other address fails with ENETUNREACH at once.",
    ),
    "host_absent": Setup(
        "A LAN where 192.0.2.10 is switched off: ARP gets no answer, EHOSTUNREACH "
        f"(after ~{DEFAULT_ARP_SECONDS:.0f} s by default; here "
        f"{LAB_ARP_PROBES} x {LAB_ARP_RETRANS_MS} ms).",
        (
            *peer("lan", "192.0.2.1/24", None),
            *sysctl("net.ipv4.neigh.lab0.mcast_solicit", LAB_ARP_PROBES),
            *sysctl("net.ipv4.neigh.lab0.retrans_time_ms", LAB_ARP_RETRANS_MS),
        ),
    ),
    "ipv6_disabled_dual_localhost": Setup(
        "IPv6 disabled by sysctl while /etc/hosts still maps localhost to ::1 and "
        "127.0.0.1; a service on 127.0.0.1:8080, nothing on 8081.",
        (*sysctl("net.ipv6.conf.all.disable_ipv6", 1), *listen("127.0.0.1:8080")),
        hosts=DUAL_LOCALHOST,
    ),
    "dual_localhost_v6_server": Setup(
        "A dual-stack localhost (::1 and 127.0.0.1) with a server on [::1]:8080 only "
        "(e.g. a dev server that bound `localhost` and got ::1).",
        listen("[::1]:8080"),
        hosts=DUAL_LOCALHOST,
    ),
    "v4_first_localhost": Setup(
        "A dual-stack localhost whose /etc/hosts lists 127.0.0.1 before ::1.",
        hosts=V4_FIRST_LOCALHOST,
    ),
    "dual_localhost_v4_server": Setup(
        "A dual-stack localhost (::1 and 127.0.0.1) with a server on "
        "127.0.0.1:8080 only.",
        listen("127.0.0.1:8080"),
        hosts=DUAL_LOCALHOST,
    ),
    "dual_localhost_v6_dropped": Setup(
        "A dual-stack localhost where a firewall drops IPv6 to port 8080 and nothing "
        "listens on 127.0.0.1:8080: one address refuses, the other never answers.",
        nft("ip6 daddr ::1 tcp dport 8080 drop", family="inet"),
        hosts=DUAL_LOCALHOST,
    ),
    "dual_localhost_dropped": Setup(
        "A dual-stack localhost where a firewall drops port 8080 on both loopbacks.",
        nft("tcp dport 8080 drop", family="inet"),
        hosts=DUAL_LOCALHOST,
    ),
    "container_host_loopback": Setup(
        "A container reaching its host at 198.51.100.1 (Docker's bridge gateway, "
        "host.docker.internal) where the service listens on 127.0.0.1:5432 only.",
        (*_CONTAINER, *listen("127.0.0.1:5432")),
        program_netns="container",
    ),
    "container_host_all": Setup(
        "A container reaching its host at 198.51.100.1 where the service listens "
        "on 0.0.0.0:5432 (all interfaces).",
        (*_CONTAINER, *listen("0.0.0.0:5432")),
        program_netns="container",
    ),
    "container_host_http_server": Setup(
        "A container reaching its host at 198.51.100.1, where `python -m http.server "
        "8000` runs without --bind.",
        (
            *_CONTAINER,
            *start(
                "127.0.0.1",
                8000,
                f'{PYTHON} -m http.server 8000 --directory "$LAB_DIR"',
            ),
        ),
        program_netns="container",
    ),
    "loopback_only": Setup(
        "A machine with nothing but loopback (localhost is 127.0.0.1); anything "
        "sent elsewhere, a DNS query included, is counted and rejected.",
        _TRAP,
        hosts="127.0.0.1 localhost\n",
        resolv=TRAP_RESOLVER,
        after=(_TRAP_COUNTER,),
    ),
    "loopback_only_dual_localhost": Setup(
        "The same, with localhost as ::1 and 127.0.0.1, as most Linux systems ship it.",
        _TRAP,
        hosts=DUAL_LOCALHOST,
        resolv=TRAP_RESOLVER,
        after=(_TRAP_COUNTER,),
    ),
}

# The script run as PID 1 of the lab. Setup output goes to a log (shown if the
# setup fails); the program's own output goes to the pipe ``run`` reads.
SCRIPT = """\
set -eu
exec 3>&1 >"$LAB_DIR/log" 2>&1
# Named namespaces (ip netns) live in a tmpfs that dies with this mount namespace.
mount -t tmpfs lab /run
ip link set lo up
{mount_hosts}{{
:
{lines}
}} 3>&-
echo ready
start=$(date +%s%N)
rc=0
{program} "$@" </dev/null >&3 2>&3 3>&- || rc=$?
end=$(date +%s%N)
echo "seconds $start $end"
{{
:
{after}
}} >"$LAB_DIR/after" 2>&1
exit $rc
"""


@functools.cache
def unavailable_reason() -> str | None:
    """Why namespaces cannot be made here, or ``None`` when the lab can run."""
    if sys.platform != "linux":
        return f"the network lab needs Linux namespaces, not {sys.platform}"
    if os.geteuid() != 0:
        return "the network lab needs root (network namespaces, nftables)"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        needs = ", ".join(missing)
        packages = "iproute2 nftables util-linux"
        return f"the network lab needs {needs} (apt-get install {packages})"
    probe = subprocess.run(
        ["unshare", "--net", "--mount", "--pid", "--fork", "nft", "list", "ruleset"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    if probe.returncode != 0:
        return f"cannot create namespaces here: {probe.stderr.strip()}"
    return None


def require() -> None:
    """Skip the calling test where the lab cannot run; fail under REQUIRE_LAB=1."""
    from tests.required import unavailable

    reason = unavailable_reason()
    if reason is not None:
        unavailable(reason, "REQUIRE_LAB")


def script(setup: Setup) -> str:
    """The shell script that prepares ``setup`` and then runs the program."""
    mount_hosts = ""
    if setup.hosts is not None:
        mount_hosts += 'mount --bind "$LAB_DIR/hosts" /etc/hosts\n'
    if setup.resolv is not None:
        mount_hosts += 'mount --bind "$LAB_DIR/resolv.conf" /etc/resolv.conf\n'
    program = f"ip netns exec {setup.program_netns}" if setup.program_netns else ""
    return SCRIPT.format(
        mount_hosts=mount_hosts,
        lines="\n".join(setup.lines),
        program=program,
        after="\n".join(setup.after),
    )


def remove_stale_folders(root: Path | None = None) -> list[Path]:
    """Remove the temporary folders of lab runs whose test process is gone
    (killed before it could clean up) from ``root`` (the temporary folder);
    returns what was removed."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        owner = STALE_FOLDER.match(folder.name)
        if owner is None or Path(f"/proc/{owner.group(1)}").exists():
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def run(
    setup: str,
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 10,
) -> LabResult:
    """Run ``argv`` in a fresh namespace prepared by ``SETUPS[setup]``.

    The working directory is the repository root; ``env`` is added to the
    inherited environment. Raises ``LabError`` if the setup fails or the run
    outlives ``timeout`` (everything is killed first).
    """
    try:
        chosen = SETUPS[setup]
    except KeyError:
        raise KeyError(
            f"unknown lab setup {setup!r}; known: {', '.join(SETUPS)}"
        ) from None
    remove_stale_folders()
    prefix = f"{FOLDER_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        lab_dir = Path(folder)
        if chosen.hosts is not None:
            (lab_dir / "hosts").write_text(chosen.hosts)
        if chosen.resolv is not None:
            (lab_dir / "resolv.conf").write_text(chosen.resolv)
        command = [
            "setpriv", "--pdeathsig", "KILL",  # dies with this process
            "unshare", "--net", "--mount", "--pid", "--fork", "--kill-child",
            "sh", "-c", script(chosen), setup, *argv,
        ]  # fmt: skip
        full_env = {**os.environ, **(env or {}), "LAB_DIR": folder, "HELPER": HELPER}
        with subprocess.Popen(
            command,
            cwd=ROOT,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        ) as process:
            try:
                raw, _ = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()  # --kill-child takes the whole PID namespace down
                process.communicate()
                raise LabError(
                    f"{setup}: {list(argv)} still running after {timeout} s"
                ) from None
        log = (lab_dir / "log").read_text(errors="replace")
        after_path = lab_dir / "after"
        after = after_path.read_text(errors="replace") if after_path.exists() else ""
    output = raw.decode(errors="replace")
    if "\nready\n" not in f"\n{log}":
        raise LabError(
            f"setup {setup!r} failed (exit {process.returncode}):\n{log}{output}"
        )
    seconds_line = next(
        (ln for ln in log.splitlines() if ln.startswith("seconds ")), None
    )
    if seconds_line is None:
        raise LabError(f"{setup}: the program did not finish:\n{log}{output}")
    _, begin, end = seconds_line.split()
    seconds = (int(end) - int(begin)) / 1e9
    return LabResult(process.returncode, output, seconds, after)
