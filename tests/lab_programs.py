"""Network-lab setups for the other programs of docs/programas/.

nginx, gunicorn, HAProxy, Apache, Caddy, PgBouncer, OpenSSH, socat, Vite and
supervisord, each in front of or around a Python client, in a fresh namespace
prepared the way ``tests/lab.py`` prepares its own setups. Importing this
module adds them to ``lab.SETUPS`` (``tests/programs.py``, the transcripts that
use them, imports it), so that ``lab.run`` knows them by name.
"""

from __future__ import annotations

from tests import lab
from tests.lab import (
    DUAL_LOCALHOST,
    GATEWAY,
    HELPER_COMMAND,
    PYTHON,
    Setup,
    listen,
    peer,
)

# The programs' configurations are files in snippets/programas/, shown on the
# pages.
PROGRAMS = "$PWD/snippets/programas"  # the lab runs in the repository root
# Vite, pinned in tests/node/package.json (npm ci --prefix tests/node).
VITE = "$PWD/tests/node/node_modules/.bin/vite"


def serve(command: str, port: int, netns: str | None = None) -> tuple[str, ...]:
    """A program in the background, waited for (bounded: 10 s, for a busy
    machine) until something listens on ``port``, without connecting: a probe
    would be a request the program logs."""
    listening = lab._in(netns, f"ss -Hltn 'sport = :{port}'")
    return (
        lab._in(netns, f"{command} &"),
        f"for _ in $(seq 1000); do {listening} | grep -q . && break; sleep 0.01; done",
        f"{listening} | grep -q . || {{ echo '{command} did not listen'; exit 1; }}",
    )


def vite(config: str, *, one_address: bool = False) -> tuple[str, ...]:
    """The Vite dev server on 127.0.0.1:5173 with ``snippets/programas/CONFIG``;
    its root (and cache) in /run, its output in /run/vite.log. ``one_address``:
    Node 17-19's connect, one address in the system's order (Node 20+ tries
    each address of a name unless told not to)."""
    node = "NODE_OPTIONS=--no-network-family-autoselection " if one_address else ""
    # Vite colours its log wherever CI is set (as in continuous integration):
    # NO_COLOR keeps the recorded lines plain.
    command = (
        f"NO_COLOR=1 {node}{VITE} /run --config {PROGRAMS}/{config} >/run/vite.log 2>&1"
    )
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

# The pod of a kubectl port-forward: its own namespace with loopback only,
# and the old kubelet's path, a socat per connection run inside it.
_POD = ("ip netns add pod", "ip -n pod link set lo up")
_PORT_FORWARD = serve(
    "socat TCP-LISTEN:8080,bind=127.0.0.1,reuseaddr,fork "
    "'EXEC:ip netns exec pod socat - TCP4\\:127.0.0.1\\:8080' "
    "2>/run/socat.log",
    8080,
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

PROGRAM_SETUPS: dict[str, Setup] = {
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
            *_POD,
            *_PORT_FORWARD,
        ),
    ),
    "port_forward_pod_port_open": Setup(
        "The same path with the app listening in the pod on 127.0.0.1:8080.",
        (
            *_POD,
            *serve(greeter("127.0.0.1", 8080), 8080, netns="pod"),
            *_PORT_FORWARD,
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

_clash = set(PROGRAM_SETUPS) & set(lab.SETUPS)
assert not _clash, f"setups named twice: {_clash}"
lab.SETUPS.update(PROGRAM_SETUPS)
