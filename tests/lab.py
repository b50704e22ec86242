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
# Programs in front of or around a Python app (docs/programas/): their
# configurations are files in snippets/programas/, shown on the pages.
# --------------------------------------------------------------------------

PROGRAMS = "$PWD/snippets/programas"  # the lab runs in the repository root
# Vite, pinned in tests/node/package.json (npm ci --prefix tests/node).
VITE = "$PWD/tests/node/node_modules/.bin/vite"


def serve(command: str, port: int, netns: str | None = None) -> tuple[str, ...]:
    """A program in the background, waited for (bounded: 10 s, for a busy
    machine) until something listens on ``port``, without connecting: a probe
    would be a request the program logs."""
    listening = _in(netns, f"ss -Hltn 'sport = :{port}'")
    return (
        _in(netns, f"{command} &"),
        f"for _ in $(seq 1000); do {listening} | grep -q . && break; sleep 0.01; done",
        f"{listening} | grep -q . || {{ echo '{command} did not listen'; exit 1; }}",
    )


def vite(config: str, *, one_address: bool = False) -> tuple[str, ...]:
    """The Vite dev server on 127.0.0.1:5173 with ``snippets/programas/CONFIG``;
    its root (and cache) in /run, its output in /run/vite.log. ``one_address``:
    Node 17-19's connect, one address in the system's order (Node 20+ tries
    each address of a name unless told not to)."""
    node = "NODE_OPTIONS=--no-network-family-autoselection " if one_address else ""
    command = f"{node}{VITE} /run --config {PROGRAMS}/{config} >/run/vite.log 2>&1"
    return serve(command, 5173)


def sshd(netns: str, address: str) -> tuple[str, ...]:
    """An OpenSSH server at ``address`` in ``netns``, with a key pair for the
    client (``/run/lab/id``) and its host key already known to the client."""
    keys = "/run/lab"
    return (
        f"mkdir -p {keys} /run/sshd",
        f"ssh-keygen -q -t ed25519 -N '' -f {keys}/host_key",
        f"ssh-keygen -q -t ed25519 -N '' -f {keys}/id",
        f'echo "{address} $(cat {keys}/host_key.pub)" > {keys}/known_hosts',
        *serve(
            f"/usr/sbin/sshd -D -f /dev/null -o HostKey={keys}/host_key "
            f"-o AuthorizedKeysFile={keys}/id.pub -o StrictModes=no "
            f"-o ListenAddress={address}",
            22,
            netns,
        ),
    )


def greeter(address: str, port: int) -> str:
    """A service that speaks first (as MySQL or SMTP do): ``pronto`` per connection."""
    return f"socat TCP-LISTEN:{port},bind={address},reuseaddr,fork SYSTEM:'echo pronto'"


# gunicorn (Debian's) serving snippets/programas/app_wsgi.py on a Unix socket,
# and nginx in front of it. `setsid` makes gunicorn's master the leader of a
# process group of its own (its workers join it); the group id, written in
# /run/gunicorn.pgid, is a PID of the lab's own PID namespace.
_GUNICORN = (
    "setsid gunicorn --bind unix:/run/gunicorn.sock "
    f"--chdir {PROGRAMS} app_wsgi:app >/run/gunicorn.log 2>&1 &",
    "echo $! > /run/gunicorn.pgid",
    "for _ in $(seq 1000); do ss -Hxl | grep -q gunicorn.sock && break; "
    "sleep 0.01; done",
)
_NGINX_GUNICORN = serve(
    f"nginx -c {PROGRAMS}/nginx_gunicorn.conf -e /run/nginx-error.log", 8080
)


# supervisord daemonizes at once: wait (bounded) until its program runs.
_SUPERVISORD = (
    f"supervisord -c {PROGRAMS}/supervisord.conf",
    "for _ in $(seq 1000); do grep -q 'entered RUNNING' /run/supervisord.log "
    "2>/dev/null && break; sleep 0.01; done",
)


# 203.0.113.10 stands for the SSH server (a bastion, a cloud VM) that the
# tunnel goes through: `ssh -L 5432:127.0.0.1:5432 user@server`.
SSH_SERVER = "203.0.113.10"
_SSH_SERVER = (*peer("server", "203.0.113.1/24", f"{SSH_SERVER}/24"),)
# The Python app in a container at 198.51.100.2 (Docker's 172.17.0.2),
# listening on the container's own 127.0.0.1:8000 only.
CONTAINER = "198.51.100.2"
_APP_IN_CONTAINER = (
    *peer("container", f"{GATEWAY}/24", f"{CONTAINER}/24", gateway=GATEWAY),
    *listen("127.0.0.1:8000", netns="container"),
)
# docker-proxy, Docker's userland relay for connections to the host's own
# 127.0.0.1:8000: it accepts, then connects to the container.
_DOCKER_PROXY = serve(
    f"socat TCP-LISTEN:8000,bind=127.0.0.1,reuseaddr,fork TCP:{CONTAINER}:8000 "
    "2>/run/docker-proxy.log",
    8000,
)
# Docker's port publishing, `-p 8000:8000`: packets to the host's own
# addresses are rewritten to the container (iptables DNAT; here nftables).
_PUBLISH_8000 = (
    f"""nft -f - <<'NFT'
table ip docker {{
 chain output {{
  type nat hook output priority -100;
  ip daddr {GATEWAY} tcp dport 8000 dnat to {CONTAINER}:8000
 }}
}}
NFT""",
)


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
    # ---- docs/programas/ ----------------------------------------------------
    "nginx_upstream_down": Setup(
        "nginx on 127.0.0.1:8080 proxying to a Python app on 127.0.0.1:8000 that "
        "is not running.",
        serve(f"nginx -c {PROGRAMS}/nginx.conf -e /run/nginx-error.log", 8080),
    ),
    "nginx_upstream_up": Setup(
        "nginx on 127.0.0.1:8080 proxying to a Python app on 127.0.0.1:8000 "
        "(`python -m http.server`).",
        (
            *serve(f"{PYTHON} -m http.server 8000 --bind 127.0.0.1", 8000),
            *serve(f"nginx -c {PROGRAMS}/nginx.conf -e /run/nginx-error.log", 8080),
        ),
    ),
    "nginx_gunicorn_socket_missing": Setup(
        "nginx proxying to gunicorn's Unix socket /run/gunicorn.sock, which does "
        "not exist (gunicorn never started).",
        _NGINX_GUNICORN,
    ),
    "nginx_gunicorn_socket_stale": Setup(
        "nginx proxying to gunicorn's Unix socket after gunicorn was killed with "
        "SIGKILL: the socket file is left with no one listening.",
        (
            *_GUNICORN,
            # The master and its workers: their process group, by its id.
            "kill -KILL -$(cat /run/gunicorn.pgid)",
            "for _ in $(seq 1000); do ss -Hxl | grep -q gunicorn.sock || break; "
            "sleep 0.01; done",
            *_NGINX_GUNICORN,
        ),
    ),
    "nginx_app_in_container_on_loopback": Setup(
        "nginx on the host proxying to an app in a container at 198.51.100.2 "
        "(Docker's 172.17.0.2) that listens on the container's 127.0.0.1:8000 "
        "only (gunicorn/uvicorn's default bind).",
        (
            *_APP_IN_CONTAINER,
            *serve(
                f"nginx -c {PROGRAMS}/nginx_conteiner.conf -e /run/nginx-error.log",
                8080,
            ),
        ),
    ),
    "caddy_upstream_down": Setup(
        "Caddy on 127.0.0.1:8080 (reverse_proxy) in front of a Python app on "
        "127.0.0.1:8000 that is not running.",
        serve(
            "HOME=/run XDG_DATA_HOME=/run/caddy XDG_CONFIG_HOME=/run/caddy "
            f"caddy run --config {PROGRAMS}/Caddyfile --adapter caddyfile "
            ">/run/caddy.log 2>&1",
            8080,
        ),
    ),
    "haproxy_backend_down": Setup(
        "HAProxy on 127.0.0.1:8080 with health checks, in front of a Python app on "
        "127.0.0.1:8000 that is not running.",
        (
            *serve(f"haproxy -db -f {PROGRAMS}/haproxy.cfg 2>/run/haproxy.log", 8080),
            # The first health check (bounded wait): the server is DOWN.
            "for _ in $(seq 1000); do grep -q DOWN /run/haproxy.log && break; "
            "sleep 0.01; done",
        ),
    ),
    "apache_backend_down": Setup(
        "Apache (mod_proxy_http) on 127.0.0.1:8080 proxying to a Python app on "
        "127.0.0.1:8000 that is not running.",
        (
            "mkdir -p /run/apache2",
            *serve(f"apache2 -f {PROGRAMS}/apache.conf -DFOREGROUND", 8080),
        ),
    ),
    "pgbouncer_server_down": Setup(
        "PgBouncer on 127.0.0.1:6432 in front of PostgreSQL on 127.0.0.1:5432, "
        "which is not running; a client waits at most 1 s (query_wait_timeout).",
        (
            "mkdir -p /run/pgbouncer",
            'echo \'"app" ""\' > /run/pgbouncer/userlist.txt',
            "chown -R postgres /run/pgbouncer",  # it does not run as root
            *serve(f"pgbouncer -u postgres {PROGRAMS}/pgbouncer.ini", 6432),
        ),
    ),
    "ssh_tunnel_remote_port_closed": Setup(
        "An SSH server at 203.0.113.10 (a bastion or cloud VM) where nothing "
        "listens on 127.0.0.1:5432; the client forwards its 127.0.0.1:5432 there "
        "(`ssh -N -L 5432:127.0.0.1:5432`).",
        (
            *_SSH_SERVER,
            *sshd("server", SSH_SERVER),
            *serve(
                "ssh -N -o BatchMode=yes -o UserKnownHostsFile=/run/lab/known_hosts "
                f"-i /run/lab/id -L 5432:127.0.0.1:5432 root@{SSH_SERVER} "
                "2>/run/ssh.log",
                5432,
            ),
        ),
    ),
    "ssh_tunnel_remote_port_open": Setup(
        "The same tunnel, with a service that speaks first listening on the SSH "
        "server's 127.0.0.1:5432.",
        (
            *_SSH_SERVER,
            *serve(greeter("127.0.0.1", 5432), 5432, netns="server"),
            *sshd("server", SSH_SERVER),
            *serve(
                "ssh -N -o BatchMode=yes -o UserKnownHostsFile=/run/lab/known_hosts "
                f"-i /run/lab/id -L 5432:127.0.0.1:5432 root@{SSH_SERVER} "
                "2>/run/ssh.log",
                5432,
            ),
        ),
    ),
    "ssh_server_down": Setup(
        "The SSH server at 203.0.113.10 is up, but sshd is not running.",
        (
            *_SSH_SERVER,
            "mkdir -p /run/lab",
            "ssh-keygen -q -t ed25519 -N '' -f /run/lab/id",
        ),
    ),
    "port_forward_pod_port_closed": Setup(
        "kubectl port-forward's path: a local listener on 127.0.0.1:8080 that, for "
        "each connection, runs socat inside the pod's network namespace to the "
        "pod's localhost:8080 (kubelet's old implementation), where nothing listens.",
        (
            "ip netns add pod",
            "ip -n pod link set lo up",
            *serve(
                "socat TCP-LISTEN:8080,bind=127.0.0.1,reuseaddr,fork "
                "'EXEC:ip netns exec pod socat - TCP4\\:127.0.0.1\\:8080' "
                "2>/run/socat.log",
                8080,
            ),
        ),
    ),
    "port_forward_pod_port_open": Setup(
        "The same path with the app listening in the pod on 127.0.0.1:8080.",
        (
            "ip netns add pod",
            "ip -n pod link set lo up",
            *serve(greeter("127.0.0.1", 8080), 8080, netns="pod"),
            *serve(
                "socat TCP-LISTEN:8080,bind=127.0.0.1,reuseaddr,fork "
                "'EXEC:ip netns exec pod socat - TCP4\\:127.0.0.1\\:8080' "
                "2>/run/socat.log",
                8080,
            ),
        ),
    ),
    "vite_proxy_api_on_ipv4": Setup(
        "A Vite dev server on 127.0.0.1:5173 proxying /api to http://localhost:8000 "
        "on a dual-stack localhost; the Python API listens on 127.0.0.1:8000 only.",
        (
            *serve(f"{PYTHON} -m http.server 8000 --bind 127.0.0.1", 8000),
            *vite("vite.config.mjs"),
        ),
        hosts=DUAL_LOCALHOST,
    ),
    "vite_proxy_api_on_ipv4_node18": Setup(
        "The same, with Node's connection to one address at a time (Node 17-19; "
        "Node 20+ with --no-network-family-autoselection).",
        (
            *serve(f"{PYTHON} -m http.server 8000 --bind 127.0.0.1", 8000),
            *vite("vite.config.mjs", one_address=True),
        ),
        hosts=DUAL_LOCALHOST,
    ),
    "vite_proxy_fixed_node18": Setup(
        "The same old-Node behaviour with the proxy target written as 127.0.0.1.",
        (
            *serve(f"{PYTHON} -m http.server 8000 --bind 127.0.0.1", 8000),
            *vite("vite_corrigido.config.mjs", one_address=True),
        ),
        hosts=DUAL_LOCALHOST,
    ),
    "vite_proxy_api_down": Setup(
        "A Vite dev server proxying /api to http://localhost:8000 (dual-stack "
        "localhost) while the Python API is not running.",
        vite("vite.config.mjs"),
        hosts=DUAL_LOCALHOST,
    ),
    "supervisord_not_started": Setup(
        "supervisord configured with its socket at /var/run/supervisor.sock but "
        "never started (the machine booted without it).",
    ),
    "supervisord_killed": Setup(
        "supervisord killed with SIGKILL (OOM killer, a crash): its socket file "
        "is left behind with no one listening.",
        (
            *_SUPERVISORD,
            "kill -9 $(cat /run/supervisord.pid)",
            # Bounded wait until the socket no longer listens (the file stays).
            "for _ in $(seq 1000); do ss -Hxl | grep -q supervisor.sock || break; "
            "sleep 0.01; done",
        ),
    ),
    "supervisord_running": Setup(
        "supervisord running with its socket at /var/run/supervisor.sock.",
        _SUPERVISORD,
    ),
    "db_starts_late": Setup(
        "Boot without ordering: the database on 127.0.0.1:5432 starts listening "
        "0.3 s after the program creates /run/banco-sobe (nothing listens before).",
        (
            "(for _ in $(seq 1000); do [ -e /run/banco-sobe ] && break; sleep 0.01; "
            f"done; sleep 0.3; exec {HELPER_COMMAND} listen 127.0.0.1 5432) &",
        ),
    ),
    "docker_published_app_on_loopback": Setup(
        "`docker run -p 8000:8000` of an app that listens on the container's "
        "127.0.0.1:8000: the host's 198.51.100.1 (the docker0 bridge, 172.17.0.1) "
        "is rewritten to the container (DNAT); the host's 127.0.0.1:8000 goes "
        "through a relay standing for docker-proxy.",
        (*_APP_IN_CONTAINER, *_PUBLISH_8000, *_DOCKER_PROXY),
    ),
    "docker_published_app_on_all": Setup(
        "The same container with the app on 0.0.0.0:8000 (`--bind 0.0.0.0`).",
        (
            *peer("container", f"{GATEWAY}/24", f"{CONTAINER}/24", gateway=GATEWAY),
            *serve(f"{PYTHON} -m http.server 8000 --bind 0.0.0.0", 8000, "container"),
            *_PUBLISH_8000,
            *_DOCKER_PROXY,
        ),
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
    import pytest

    reason = unavailable_reason()
    if reason is None:
        return
    if os.environ.get("REQUIRE_LAB") == "1":
        pytest.fail(f"REQUIRE_LAB=1 but {reason}", pytrace=False)
    pytest.skip(reason)


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


def remove_stale_folders() -> list[Path]:
    """Remove the temporary folders of lab runs whose test process is gone
    (killed before it could clean up); returns what was removed."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
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
