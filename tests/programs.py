"""Transcripts of other programs around a Python app, run in the network lab.

A transcript is a short console session (``docs/programas/``): the commands a
reader types, run for real in a lab setup (``tests/lab_programs.py``) with the real
program (nginx, HAProxy, OpenSSH, socat, Vite, supervisord) in front of or
around a Python client from ``snippets/programas/``. Its output is recorded in
``snippets/saidas/lab/programas/<name>.txt`` and shown on the page, next to
the sentences it proves (``<!-- prova-lab: name -->``).

What changes from run to run (dates, times, process ids, milliseconds) is
replaced by a fixed placeholder before recording; ``PLACEHOLDERS`` lists each
replacement, and the pages say so. The setups are in ``tests/lab_programs.py``;
importing it (here, for its addresses) adds them to ``lab.SETUPS``.
"""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass

from tests import lab
from tests.lab_programs import CONTAINER, SSH_SERVER
from tests.site import SNIPPETS

OUTPUTS = SNIPPETS / "saidas" / "lab" / "programas"
PYTHON = shlex.quote(sys.executable)


@dataclass(frozen=True)
class Step:
    """One command: ``shown`` on the page, ``run`` in the lab.

    ``settle`` is a bounded wait (5 s) run first, unseen, until a program's log
    holds a line: ``(file, text)``. A program writes its log on its own
    schedule; the reader's terminal shows the line when it comes.
    """

    shown: str
    run: str
    settle: tuple[str, str] | None = None


def py(args: str) -> Step:
    """``python FILE ARGS`` for a file of ``snippets/``, as the reader runs it."""
    return Step(f"python {args}", f"{PYTHON} snippets/{args}")


def sh(command: str, settle: tuple[str, str] | None = None) -> Step:
    """A shell command, shown as it runs."""
    return Step(command, command, settle)


@dataclass(frozen=True)
class Transcript:
    setup: str  # a name in lab.SETUPS
    steps: tuple[Step, ...]
    expect: tuple[str, ...]  # what the output must hold: the page's claims
    needs: tuple[str, ...] = ()  # programs that must be installed
    # A bound on the whole session (several interpreters and programs start
    # in it), so that no wait goes unbounded; the pages claim no timing.
    # Measured: under 1.5 s each on an idle machine, up to 6 s at a load of 18
    # on 2 cores.
    max_seconds: float = 10.0


# (pattern, placeholder): what varies between runs of the same session.
PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    (r"\b\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\b", "AAAA/MM/DD hh:mm:ss"),
    (r"\b\d{1,2}:\d\d:\d\d [AP]M\b", "h:mm:ss PM"),
    (r"\[(error|crit)\] \d+#\d+:", r"[\1] PID#TID:"),
    (r"socat\[\d+\]", "socat[PID]"),
    (r"child \d+ exited", "child PID exited"),
    (r"\(\d+\) :", "(PID) :"),
    (r"pid \d+, uptime \d+:\d\d:\d\d", "pid PID, uptime 0:00:00"),
    (r"after \d+ ms", "after N ms"),
    (r"check duration: \d+ms", "check duration: Nms"),
    (
        r"\[\w{3} \w{3} \d\d \d\d:\d\d:\d\d\.\d{6} \d{4}\]",
        "[Ddd Mmm DD hh:mm:ss.uuuuuu AAAA]",
    ),
    (r"\[pid \d+:tid \d+\]", "[pid PID:tid TID]"),
    (
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC \[\d+\]",
        "AAAA-MM-DD hh:mm:ss.mmm UTC [PID]",
    ),
    (r"\b([CS])-0x[0-9a-f]+:", r"\1-0x...:"),
    (r"@127\.0\.0\.1:\d{5}\b", "@127.0.0.1:PORTA"),
    (r"\[client ([\d.]+):\d+\]", r"[client \1:PORTA]"),
)


def normalized(output: str) -> str:
    # ssh ends its messages with CRLF (a terminal may be in raw mode).
    output = output.replace("\r\n", "\n")
    for pattern, placeholder in PLACEHOLDERS:
        output = re.sub(pattern, placeholder, output)
    return output


def script(transcript: Transcript) -> str:
    """The shell session: each command echoed with ``$ `` and then run."""
    lines = []
    for step in transcript.steps:
        if step.settle:
            file, text = map(shlex.quote, step.settle)
            lines.append(
                f"for _ in $(seq 500); do grep -qF -- {text} {file} 2>/dev/null "
                "&& break; sleep 0.01; done"
            )
        lines.append(f"printf '%s\\n' {shlex.quote('$ ' + step.shown)}")
        lines.append(f"{step.run} 2>&1")
    return "\n".join(lines) + "\n"


# The client's environment: no proxy from the machine running the tests, and
# the recipes module importable (as `from recipes import ...` on the site).
ENV = {
    "http_proxy": "",
    "HTTP_PROXY": "",
    "https_proxy": "",
    "HTTPS_PROXY": "",
    "all_proxy": "",
    "ALL_PROXY": "",
    "PYTHONPATH": str(SNIPPETS),
}

NGINX_LOG = "/run/nginx-error.log"
PGBOUNCER_LOG = "/run/pgbouncer/pgbouncer.log"
GUNICORN_SOCKET = "/run/gunicorn.sock"
GUNICORN = f"gunicorn --daemon --bind unix:{GUNICORN_SOCKET}"
SSH_LOG = "/run/ssh.log"
SOCAT_LOG = "/run/socat.log"
DOCKER_PROXY_LOG = "/run/docker-proxy.log"
VITE_LOG = "/run/vite.log"
SUPERVISORCTL = "supervisorctl -c snippets/programas/supervisord.conf status"
SUPERVISOR_SOCKET = "/var/run/supervisor.sock"
VITE_ERROR = sh(f"grep -A2 'proxy error' {VITE_LOG}", (VITE_LOG, "proxy error"))
SSH_L = f"ssh -N -L 5432:127.0.0.1:5432 root@{SSH_SERVER}"

TRANSCRIPTS: dict[str, Transcript] = {
    # ---- proxy-reverso.md ------------------------------------------------
    "nginx_upstream_refused": Transcript(
        "nginx_upstream_down",
        (
            py("programas/cliente_http.py http://127.0.0.1:8080/"),
            sh(f"tail -n 1 {NGINX_LOG}", (NGINX_LOG, "connect() failed")),
            py("programas/cliente_http.py http://127.0.0.1:8000/"),
        ),
        (
            "HTTP 502 Bad Gateway; quem respondeu: nginx",
            "connect() failed (111: Connection refused) while connecting to upstream",
            'upstream: "http://127.0.0.1:8000/"',
            "Sem resposta: ConnectionRefusedError",
        ),
        needs=("nginx",),
    ),
    "nginx_upstream_up": Transcript(
        "nginx_upstream_up",
        (py("programas/cliente_http.py http://127.0.0.1:8080/"),),
        ("HTTP 200 OK; quem respondeu: nginx",),
        needs=("nginx",),
    ),
    "nginx_gunicorn_socket_stale": Transcript(
        "nginx_gunicorn_socket_stale",
        (
            py("programas/cliente_http.py http://127.0.0.1:8080/"),
            sh(f"tail -n 1 {NGINX_LOG}", (NGINX_LOG, "connect() to unix")),
            sh(f"ls -l {GUNICORN_SOCKET} | cut -c1-10"),
            py(f"programas/cliente_unix.py {GUNICORN_SOCKET}"),
            Step(
                f"{GUNICORN} app_wsgi:app",
                f"{GUNICORN} --chdir snippets/programas app_wsgi:app && for _ in "
                "$(seq 1000); do ss -Hxl | grep -q gunicorn.sock && break; "
                "sleep 0.01; done",
            ),
            py("programas/cliente_http.py http://127.0.0.1:8080/"),
        ),
        (
            "HTTP 502 Bad Gateway; quem respondeu: nginx",
            "connect() to unix:/run/gunicorn.sock failed (111: Connection refused) "
            "while connecting to upstream",
            "srwxrwxrwx",
            "ConnectionRefusedError: /run/gunicorn.sock existe, mas ninguém",
            "HTTP 200 OK; quem respondeu: nginx",
        ),
        needs=("nginx", "gunicorn"),
    ),
    "nginx_gunicorn_socket_missing": Transcript(
        "nginx_gunicorn_socket_missing",
        (
            py("programas/cliente_http.py http://127.0.0.1:8080/"),
            sh(f"tail -n 1 {NGINX_LOG}", (NGINX_LOG, "connect() to unix")),
        ),
        (
            "HTTP 502 Bad Gateway; quem respondeu: nginx",
            "connect() to unix:/run/gunicorn.sock failed (2: No such file or "
            "directory) while connecting to upstream",
        ),
        needs=("nginx",),
    ),
    "nginx_app_in_container_on_loopback": Transcript(
        "nginx_app_in_container_on_loopback",
        (
            py("programas/cliente_http.py http://127.0.0.1:8080/"),
            sh(f"tail -n 1 {NGINX_LOG}", (NGINX_LOG, "connect() failed")),
            sh("ip netns exec container ss -Hltn 'sport = :8000'"),
        ),
        (
            "HTTP 502 Bad Gateway; quem respondeu: nginx",
            'upstream: "http://198.51.100.2:8000/"',
            "127.0.0.1:8000",
        ),
        needs=("nginx",),
    ),
    "caddy_upstream_refused": Transcript(
        "caddy_upstream_down",
        (
            py("programas/cliente_http.py http://127.0.0.1:8080/"),
            sh(
                "grep -o '\"msg\":\"dial tcp[^\"]*\"' /run/caddy.log",
                ("/run/caddy.log", "dial tcp"),
            ),
        ),
        (
            "HTTP 502 Bad Gateway; quem respondeu: Caddy",
            '"msg":"dial tcp 127.0.0.1:8000: connect: connection refused"',
        ),
        needs=("caddy",),
    ),
    "haproxy_backend_refused": Transcript(
        "haproxy_backend_down",
        (
            py("programas/cliente_http.py http://127.0.0.1:8080/"),
            sh("cat /run/haproxy.log"),
            # The app comes up: the next health check puts the server back.
            Step(
                "python -m http.server 8000 --bind 127.0.0.1 &",
                f"{PYTHON} -m http.server 8000 --bind 127.0.0.1 >/dev/null 2>&1 &",
            ),
            sh("grep UP /run/haproxy.log", ("/run/haproxy.log", "is UP")),
            py("programas/cliente_http.py http://127.0.0.1:8080/"),
        ),
        (
            "HTTP 503 Service Unavailable; quem respondeu: (sem identificação)",
            "Server api/app is UP",
            "HTTP 200 OK; quem respondeu: SimpleHTTP",
            'Server api/app is DOWN, reason: Layer4 connection problem, info: '
            '"Connection refused"',
            "backend 'api' has no server available!",
        ),
        needs=("haproxy",),
    ),
    "apache_backend_refused": Transcript(
        "apache_backend_down",
        (
            py("programas/cliente_http.py http://127.0.0.1:8080/"),
            sh("tail -n 2 /run/apache-error.log", ("/run/apache-error.log", "AH01114")),
        ),
        (
            "HTTP 503 Service Unavailable; quem respondeu: Apache",
            "(111)Connection refused: AH00957: http: attempt to connect to "
            "127.0.0.1:8000 (127.0.0.1:8000) failed",
            "AH01114: HTTP: failed to make connection to backend: 127.0.0.1",
        ),
        needs=("apache2",),
    ),
    "pgbouncer_server_refused": Transcript(
        "pgbouncer_server_down",
        (
            py("programas/psycopg2_conectar.py 6432"),
            sh(f"grep -E 'connect failed|pooler error' {PGBOUNCER_LOG}"),
        ),
        (
            'OperationalError: connection to server at "127.0.0.1", port 6432 '
            "failed: FATAL:  query_wait_timeout",
            "app/app@127.0.0.1:5432 closing because: connect failed (age=0s)",
            "pooler error: query_wait_timeout",
        ),
        needs=("pgbouncer",),
    ),
    # ---- tunel-ssh.md ----------------------------------------------------
    "ssh_tunnel_remote_port_closed": Transcript(
        "ssh_tunnel_remote_port_closed",
        (
            py("programas/cliente_tcp.py 127.0.0.1 5432"),
            py("programas/psycopg2_conectar.py"),
            sh(f"cat {SSH_LOG}", (SSH_LOG, "open failed")),
        ),
        (
            "Conectou: alguém aceitou a conexão nessa porta.",
            "Fechada pelo outro lado sem nenhum byte (EOF).",
            'OperationalError: connection to server at "127.0.0.1", port 5432 '
            "failed: server closed the connection unexpectedly",
            "open failed: connect failed: Connection refused",
        ),
        needs=("ssh", "sshd"),
    ),
    "ssh_tunnel_remote_port_open": Transcript(
        "ssh_tunnel_remote_port_open",
        (py("programas/cliente_tcp.py 127.0.0.1 5432"),),
        ("Recebeu: pronto",),
        needs=("ssh", "sshd", "socat"),
    ),
    "ssh_server_refused": Transcript(
        "ssh_server_down",
        (
            Step(SSH_L, SSH_L.replace("-N", "-N -o BatchMode=yes -i /run/lab/id")),
            py("programas/cliente_tcp.py 127.0.0.1 5432"),
        ),
        (
            f"ssh: connect to host {SSH_SERVER} port 22: Connection refused",
            "Recusada: ConnectionRefusedError.",
        ),
        needs=("ssh",),
    ),
    # ---- kubectl.md --------------------------------------------------------
    "port_forward_pod_port_closed": Transcript(
        "port_forward_pod_port_closed",
        (
            py("programas/cliente_tcp.py 127.0.0.1 8080"),
            # The relay's own line; its parent's `waitpid()` line comes when
            # it reaps the child, at no fixed time.
            sh(f"grep 'E connect' {SOCAT_LOG}", (SOCAT_LOG, "E connect")),
        ),
        (
            "Conectou: alguém aceitou a conexão nessa porta.",
            "Fechada pelo outro lado sem nenhum byte (EOF).",
            "E connect(",
            "AF=2 127.0.0.1:8080, 16): Connection refused",
        ),
        needs=("socat",),
    ),
    "port_forward_pod_port_open": Transcript(
        "port_forward_pod_port_open",
        (py("programas/cliente_tcp.py 127.0.0.1 8080"),),
        ("Recebeu: pronto",),
        needs=("socat",),
    ),
    # ---- node-dev-server.md ---------------------------------------------
    "vite_proxy_ipv6_refused": Transcript(
        "vite_proxy_api_on_ipv4_node18",
        (
            py("programas/cliente_http.py http://127.0.0.1:5173/api/"),
            VITE_ERROR,
            sh("ss -Hltn 'sport = :8000'"),
        ),
        (
            "HTTP 500 Internal Server Error",
            "[vite] http proxy error: /api/",
            "Error: connect ECONNREFUSED ::1:8000",
            "127.0.0.1:8000",
        ),
        needs=("node",),
    ),
    "vite_proxy_node20_tries_both": Transcript(
        "vite_proxy_api_on_ipv4",
        (py("programas/cliente_http.py http://127.0.0.1:5173/api/"),),
        ("HTTP 404 File not found; quem respondeu: SimpleHTTP",),
        needs=("node",),
    ),
    "vite_proxy_fixed": Transcript(
        "vite_proxy_fixed_node18",
        (py("programas/cliente_http.py http://127.0.0.1:5173/api/"),),
        ("HTTP 404 File not found; quem respondeu: SimpleHTTP",),
        needs=("node",),
    ),
    "vite_proxy_api_down": Transcript(
        "vite_proxy_api_down",
        (py("programas/cliente_http.py http://127.0.0.1:5173/api/"), VITE_ERROR),
        ("HTTP 500 Internal Server Error", "AggregateError [ECONNREFUSED]"),
        needs=("node",),
    ),
    # ---- supervisor.md ---------------------------------------------------
    "supervisorctl_no_such_file": Transcript(
        "supervisord_not_started",
        (sh(SUPERVISORCTL), py(f"programas/cliente_unix.py {SUPERVISOR_SOCKET}")),
        (
            "unix:///var/run/supervisor.sock no such file",
            "FileNotFoundError: /var/run/supervisor.sock não existe",
        ),
        needs=("supervisorctl",),
    ),
    "supervisorctl_refused_connection": Transcript(
        "supervisord_killed",
        (
            sh(SUPERVISORCTL),
            sh(f"ls -l {SUPERVISOR_SOCKET} | cut -c1-10"),
            py(f"programas/cliente_unix.py {SUPERVISOR_SOCKET}"),
        ),
        (
            "unix:///var/run/supervisor.sock refused connection",
            "srwx------",
            "ConnectionRefusedError: /var/run/supervisor.sock existe, mas ninguém",
        ),
        needs=("supervisord", "supervisorctl"),
    ),
    "supervisorctl_running": Transcript(
        "supervisord_running",
        (sh(SUPERVISORCTL),),
        ("RUNNING   pid PID, uptime 0:00:00",),
        needs=("supervisord", "supervisorctl"),
    ),
    # ---- systemd.md ------------------------------------------------------
    "boot_before_database": Transcript(
        "db_starts_late",
        (
            py("programas/servico_no_boot.py"),
            Step(
                "python programas/servico_no_boot.py --esperar 3",
                "touch /run/banco-sobe; "
                f"{PYTHON} snippets/programas/servico_no_boot.py --esperar 3",
            ),
        ),
        (
            "ConnectionRefusedError: o banco ainda não escuta; o serviço termina.",
            "O banco passou a aceitar conexões.",
            "Conectou ao banco: o serviço está no ar.",
        ),
    ),
    # ---- docker-porta-publicada.md --------------------------------------
    "docker_published_app_on_loopback": Transcript(
        "docker_published_app_on_loopback",
        (
            py(f"programas/cliente_http.py http://{lab.GATEWAY}:8000/"),
            py("programas/cliente_http.py http://127.0.0.1:8000/"),
            sh(f"curl -sS http://{lab.GATEWAY}:8000/"),
            sh("curl -sS http://127.0.0.1:8000/"),
            sh(f"grep 'E connect' {DOCKER_PROXY_LOG}", (DOCKER_PROXY_LOG, "E connect")),
        ),
        (
            "Sem resposta: ConnectionRefusedError",
            "Sem resposta: RemoteDisconnected",
            f"curl: (7) Failed to connect to {lab.GATEWAY} port 8000",
            "curl: (52) Empty reply from server",
            f"AF=2 {CONTAINER}:8000, 16): Connection refused",
        ),
        needs=("socat", "curl"),
    ),
    "docker_published_app_on_all": Transcript(
        "docker_published_app_on_all",
        (
            py(f"programas/cliente_http.py http://{lab.GATEWAY}:8000/"),
            py("programas/cliente_http.py http://127.0.0.1:8000/"),
        ),
        ("HTTP 200 OK; quem respondeu: SimpleHTTP",),
        needs=("socat",),
    ),
}  # fmt: skip
