"""Capture real error messages for the reader's corpus.

Each real client (a Python library at the version pinned in requirements.txt,
or a program installed here) is run against a loopback port that refuses
(bound on 127.0.0.1 and ::1, never listening); what it prints is stored in
``tests/data/capturadas.json`` with the tool's version and the expected
reading. Nothing leaves loopback.

    .venv/bin/python -m scripts.capture_messages
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from tests.paths import ROOT

TARGET = ROOT / "tests" / "data" / "capturadas.json"
PY = sys.executable
GENERIC = "armadilhas/nada-escutando/"
IPV6_PAGE = "armadilhas/localhost-ipv6/"
# The pages of the programs whose own text names them.
PROXY_PAGE = "programas/proxy-reverso/"
TUNNEL_PAGE = "programas/tunel-ssh/"
DEV_SERVER_PAGE = "programas/node-dev-server/"
HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass
class Tool:
    name: str
    version: str  # a distribution name (pip) or a command that prints it
    code: str = ""  # Python code run with {host}, {port}, {url_host}
    argv: tuple[str, ...] = ()  # or a program's argv, same fields
    port: int = 8000
    page: str = GENERIC
    who: str = "programa"
    hosts: tuple[str, ...] = HOSTS
    # Where the message shows another host than the one asked (e.g. the
    # address localhost resolved to): host asked -> host shown.
    shown: dict[str, str | None] = field(default_factory=dict)
    port_shown: bool = True
    last_line: bool = False  # keep only the exception line of a traceback
    # Where the tool fails otherwise for a host (host -> kind, page).
    kinds: dict[str, tuple[str, str]] = field(default_factory=dict)


def py(code: str) -> str:
    return textwrap.dedent(code).strip()


TOOLS = [
    Tool(
        "socket",
        "python",
        py("""
        import socket
        socket.create_connection(("{host}", {port}), timeout=2)
        """),
        port_shown=False,
        shown={h: None for h in HOSTS},
    ),
    Tool(
        "asyncio",
        "python",
        py("""
        import asyncio
        asyncio.run(asyncio.open_connection("{host}", {port}))
        """),
        shown={"localhost": "127.0.0.1"},
        page="bibliotecas/asyncio/",
    ),
    Tool(
        "http.client",
        "python",
        py("""
        import http.client
        c = http.client.HTTPConnection("{host}", {port}, timeout=2)
        c.request("GET", "/")
        """),
        port_shown=False,
        shown={h: None for h in HOSTS},
    ),
    Tool(
        "urllib.request",
        "python",
        py("""
        import urllib.request
        urllib.request.urlopen("http://{url_host}:{port}/api", timeout=2)
        """),
        port_shown=False,
        shown={h: None for h in HOSTS},
        page="servicos/http/",
    ),
    Tool(
        "xmlrpc.client",
        "python",
        py("""
        import xmlrpc.client
        xmlrpc.client.ServerProxy("http://{url_host}:{port}/").ping()
        """),
        port_shown=False,
        shown={h: None for h in HOSTS},
        page="servicos/rpc/",
    ),
    Tool(
        "smtplib",
        "python",
        py("""
        import smtplib
        smtplib.SMTP("{host}", {port}, timeout=2)
        """),
        port=2525,
        page="servicos/email/",
        port_shown=False,
        shown={h: None for h in HOSTS},
    ),
    Tool(
        "ftplib",
        "python",
        py("""
        import ftplib
        ftplib.FTP().connect("{host}", {port}, timeout=2)
        """),
        port=2121,
        port_shown=False,
        shown={h: None for h in HOSTS},
    ),
    Tool(
        "poplib",
        "python",
        py("""
        import poplib
        poplib.POP3("{host}", {port}, timeout=2)
        """),
        port=1110,
        port_shown=False,
        shown={h: None for h in HOSTS},
    ),
    Tool(
        "imaplib",
        "python",
        py("""
        import imaplib
        imaplib.IMAP4("{host}", {port}, timeout=2)
        """),
        port=1143,
        port_shown=False,
        shown={h: None for h in HOSTS},
    ),
    Tool(
        "multiprocessing",
        "python",
        py("""
        from multiprocessing.managers import BaseManager
        BaseManager(address=("{host}", {port}), authkey=b"x").connect()
        """),
        port=50000,
        port_shown=False,
        shown={h: None for h in HOSTS},
        page="servicos/rpc/",
        hosts=HOSTS[:2],
    ),
    Tool(
        "urllib3",
        "urllib3",
        py("""
        import urllib3
        urllib3.PoolManager(retries=False).request("GET", "http://{url_host}:{port}/")
        """),
        page="servicos/http/",
    ),
    Tool(
        "requests",
        "requests",
        py("""
        import requests
        requests.get("http://{url_host}:{port}/api/pedidos", timeout=2)
        """),
        page="servicos/http/",
    ),
    Tool(
        "httpx",
        "httpx",
        py("""
        import httpx
        httpx.get("http://{url_host}:{port}/", timeout=2)
        """),
        port_shown=False,
        shown={h: None for h in HOSTS},
        page="servicos/http/",
    ),
    Tool(
        "aiohttp",
        "aiohttp",
        py("""
        import asyncio, aiohttp
        async def main():
            async with aiohttp.ClientSession() as s:
                await s.get("http://{url_host}:{port}/")
        asyncio.run(main())
        """),
        page="servicos/http/",
        shown={"localhost": "127.0.0.1"},
    ),
    Tool(
        "psycopg2",
        "psycopg2-binary",
        py("""
        import psycopg2
        psycopg2.connect(host="{host}", port={port}, user="app", connect_timeout=2)
        """),
        port=5432,
        page="servicos/postgresql/",
    ),
    Tool(
        "psycopg",
        "psycopg",
        py("""
        import psycopg
        psycopg.connect(host="{host}", port={port}, user="app", connect_timeout=2)
        """),
        port=5432,
        page="servicos/postgresql/",
        shown={"localhost": "127.0.0.1"},
    ),
    Tool(
        "pymysql",
        "pymysql",
        py("""
        import pymysql
        pymysql.connect(host="{host}", port={port}, connect_timeout=2)
        """),
        port=3306,
        page="servicos/mysql/",
        port_shown=False,
    ),
    Tool(
        "mysql-connector-python",
        "mysql-connector-python",
        py("""
        import mysql.connector
        mysql.connector.connect(host="{host}", port={port}, connection_timeout=2)
        """),
        port=3306,
        page="servicos/mysql/",
    ),
    Tool(
        "pymongo",
        "pymongo",
        py("""
        import pymongo
        client = pymongo.MongoClient("{host}", {port}, serverSelectionTimeoutMS=300)
        client.admin.command("ping")
        """),
        port=27017,
        page="servicos/mongodb/",
        last_line=True,
        hosts=HOSTS[:2],
    ),
    Tool(
        "redis-py",
        "redis",
        py("""
        import redis
        redis.Redis(host="{host}", port={port}).ping()
        """),
        port=6379,
        page="servicos/redis/",
    ),
    Tool(
        "kombu",
        "kombu",
        py("""
        import kombu
        kombu.Connection("amqp://guest@{url_host}:{port}//").connect()
        """),
        port=5672,
        page="servicos/filas/",
        port_shown=False,
        shown={h: None for h in HOSTS},
    ),
    Tool(
        "pika",
        "pika",
        py("""
        import pika
        pika.BlockingConnection(pika.ConnectionParameters("{host}", {port}))
        """),
        port=5672,
        page="servicos/filas/",
        port_shown=False,
        shown={h: None for h in HOSTS},
    ),
    Tool(
        "websocket-client",
        "websocket-client",
        py("""
        import websocket
        websocket.create_connection("ws://{url_host}:{port}/", timeout=2)
        """),
        port_shown=False,
        shown={h: None for h in HOSTS},
    ),
    Tool(
        "trio",
        "trio",
        py("""
        import trio
        trio.run(trio.open_tcp_stream, "{host}", {port})
        """),
        shown={"localhost": "127.0.0.1"},
    ),
    Tool(
        "anyio",
        "anyio",
        py("""
        import anyio
        anyio.run(anyio.connect_tcp, "{host}", {port})
        """),
        shown={"localhost": "127.0.0.1"},
        page="bibliotecas/asyncio/",
    ),
    Tool(
        "selenium",
        "selenium",
        py("""
        from selenium import webdriver
        webdriver.Remote("http://{url_host}:{port}", options=webdriver.ChromeOptions())
        """),
        port=4444,
        page="servicos/selenium/",
    ),
    Tool(
        "curl",
        "curl --version",
        argv=("curl", "-sS", "--noproxy", "*", "http://{url_host}:{port}/"),
    ),
    Tool(
        "wget",
        "wget --version",
        argv=("wget", "--no-proxy", "-t", "1", "http://{url_host}:{port}/"),
        shown={"localhost": "127.0.0.1"},
    ),
    Tool(
        "git",
        "git --version",
        argv=("git", "ls-remote", "http://{url_host}:{port}/repo.git"),
    ),
    Tool(
        "ssh",
        "ssh -V",
        argv=("ssh", "-p", "{port}", "-o", "BatchMode=yes", "{host}"),
        port=2222,
        page=TUNNEL_PAGE,
    ),
    Tool(
        "socat",
        "socat -V",
        argv=("socat", "-", "TCP:{url_host}:{port}"),
        shown={
            "localhost": "127.0.0.1",
            "::1": "0000:0000:0000:0000:0000:0000:0000:0001",
        },
    ),
    Tool(
        "psql",
        "psql --version",
        argv=("psql", "-h", "{host}", "-p", "{port}", "-U", "app", "-w", "app"),
        port=5432,
        page="servicos/postgresql/",
    ),
    Tool(
        "openssl",
        "openssl version",
        argv=("openssl", "s_client", "-connect", "{url_host}:{port}"),
        port=8443,
        shown={h: None for h in HOSTS},
        port_shown=False,
    ),
    Tool(
        "node",
        "node --version",
        argv=("node", "-e", "require('net').connect({port}, '{host}')"),
        shown={"localhost": "127.0.0.1"},
    ),
    Tool(
        "node-fetch",
        "node --version",
        argv=(
            "node",
            "-e",
            "fetch('http://{url_host}:{port}/')"
            ".catch(e => {{ console.error(e); process.exit(1) }})",
        ),
        shown={"localhost": "127.0.0.1"},
    ),
    Tool(
        "npm",
        "npm --version",
        argv=(
            "npm",
            "ping",
            "--fetch-retries=0",
            "--registry",
            "http://{url_host}:{port}/",
        ),
        port=4873,
        shown={"localhost": "127.0.0.1"},
        # npm's fetch cannot open [::1]: getaddrinfo ENOTFOUND.
        kinds={"::1": ("nome-nao-resolvido", "armadilhas/parecidas/")},
    ),
    Tool(
        "kubectl",
        "kubectl version --client",
        argv=(
            "kubectl",
            "--server",
            "https://{url_host}:{port}",
            "--token",
            "x",
            "get",
            "pods",
        ),
        port=6443,
        page="armadilhas/nada-escutando/",
    ),
    Tool(
        "docker",
        "docker --version",
        argv=("docker", "-H", "tcp://{url_host}:{port}", "ps"),
        port=2375,
    ),
]


@contextlib.contextmanager
def refused(port: int) -> Iterator[None]:
    """``port`` bound on 127.0.0.1 and ::1 without listen: connects are refused."""
    with contextlib.ExitStack() as stack:
        for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            sock = stack.enter_context(socket.socket(family, socket.SOCK_STREAM))
            sock.bind((host, port))
        yield


def version(tool: Tool) -> str:
    if tool.version == "python":
        return f"Python {sys.version.split()[0]}"
    if " " in tool.version:
        out = subprocess.run(tool.version.split(), capture_output=True, text=True)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    return f"{tool.version} {metadata.version(tool.version)}"


def clean_env(home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(HOME=home, NO_COLOR="1", LANG="C.UTF-8", KUBECONFIG="/dev/null")
    return env


def run(tool: Tool, host: str, home: str) -> str:
    fields = {"host": host, "port": tool.port}
    fields["url_host"] = f"[{host}]" if ":" in host else host
    if tool.code:
        argv = [PY, "-c", tool.code.format(**fields)]
    else:
        argv = [part.format(**fields) for part in tool.argv]
    result = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(home),
        stdin=subprocess.DEVNULL,
        cwd=home,
    )
    text = (result.stderr + result.stdout).strip()
    if tool.last_line:
        text = [line for line in text.splitlines() if line.strip()][-1]
    return text


# --------------------------------------------------------------------------
# Refusals reported by another program: each is set up for real on loopback.
# --------------------------------------------------------------------------
TOOLS_DIR = Path(os.environ.get("CAPTURE_TOOLS", "/tmp/rd"))  # supervisor, HPM


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nada escutou em {port}")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        out, err = process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return (err or "") + (out or "")


def nginx_upstream(work: Path, upstream: str) -> str:
    listen = free_port()
    (work / "logs").mkdir(exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(
        "daemon off; master_process off; pid nginx.pid; error_log logs/error.log;\n"
        f"events {{}}\nhttp {{ access_log off; server {{ listen 127.0.0.1:{listen};\n"
        f"location / {{ proxy_pass {upstream}; }} }} }}\n"
    )
    process = subprocess.Popen(
        ["nginx", "-p", str(work), "-c", str(conf)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_port(listen)
        subprocess.run(
            ["curl", "-s", "--noproxy", "*", f"http://127.0.0.1:{listen}/api"],
            capture_output=True,
            timeout=10,
        )
    finally:
        stop(process)
    lines = (work / "logs" / "error.log").read_text().splitlines()
    return next(line for line in lines if "upstream" in line)


def ssh_tunnel(work: Path, target_port: int) -> str:
    for name in ("host_key", "client_key"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(work / name)],
            check=True,
        )
    shutil.copy(work / "client_key.pub", work / "authorized_keys")
    sshd_port, local = free_port(), free_port()
    sshd = (
        f"mount -t tmpfs none /run && mkdir /run/sshd && exec /usr/sbin/sshd -D -e "
        f"-f /dev/null -o ListenAddress=127.0.0.1 -o Port={sshd_port} "
        f"-o HostKey={work}/host_key -o AuthorizedKeysFile={work}/authorized_keys "
        f"-o StrictModes=no -o PermitRootLogin=prohibit-password -o UsePAM=no "
        f"-o PidFile=none"
    )
    server = subprocess.Popen(
        ["unshare", "--mount", "sh", "-c", sshd],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    client = None
    try:
        wait_port(sshd_port)
        client = subprocess.Popen(
            [
                "ssh",
                "-N",
                "-i",
                str(work / "client_key"),
                "-o",
                "BatchMode=yes",
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-p",
                str(sshd_port),
                "-L",
                f"127.0.0.1:{local}:127.0.0.1:{target_port}",
                "root@127.0.0.1",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_port(local)
        with socket.create_connection(("127.0.0.1", local), timeout=2) as sock:
            sock.settimeout(2)
            with contextlib.suppress(OSError):
                sock.recv(1)
        time.sleep(0.3)
    finally:
        text = stop(client) if client else ""
        stop(server)
    return text.strip()


def supervisorctl(work: Path) -> str:
    path = stale_socket(work / "supervisor.sock")
    result = subprocess.run(
        [
            str(TOOLS_DIR / "sv" / "bin" / "supervisorctl"),
            "-s",
            f"unix://{path}",
            "status",
        ],
        capture_output=True,
        text=True,
        timeout=20,
    )
    return (result.stdout + result.stderr).strip()


def stale_socket(path: Path) -> Path:
    """A socket file left behind by a process that is gone: connects are refused."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.bind(str(path))
    return path


def docker_unix(work: Path) -> str:
    path = stale_socket(work / "docker.sock")
    result = subprocess.run(
        ["docker", "-H", f"unix://{path}", "ps"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    return (result.stdout + result.stderr).strip()


def python_unix(work: Path) -> str:
    path = stale_socket(work / "app.sock")
    code = f"import socket\nsocket.socket(socket.AF_UNIX).connect({str(path)!r})"
    result = subprocess.run([PY, "-c", code], capture_output=True, text=True)
    return result.stderr.strip()


def hpm(work: Path, target: str) -> str:
    port = free_port()
    script = (
        "const express = require('express');\n"
        "const { createProxyMiddleware } = require('http-proxy-middleware');\n"
        "const app = express();\n"
        "app.use('/api', createProxyMiddleware("
        f"{{ target: '{target}', logger: console }}));\n"
        f"app.listen({port}, '127.0.0.1');\n"
    )
    (work / "server.js").write_text(script)
    env = {**os.environ, "NODE_PATH": str(TOOLS_DIR / "hpm" / "node_modules")}
    process = subprocess.Popen(
        ["node", str(work / "server.js")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_port(port)
        subprocess.run(
            ["curl", "-s", "--noproxy", "*", f"http://127.0.0.1:{port}/api/users"],
            capture_output=True,
            timeout=10,
        )
        time.sleep(0.3)
    finally:
        text = stop(process)
    return text.strip()


def npm_version(package: str) -> str:
    data = json.loads(
        (TOOLS_DIR / "hpm" / "node_modules" / package / "package.json").read_text()
    )
    node = subprocess.run(["node", "--version"], capture_output=True, text=True)
    return f"{package} {data['version']} (Node {node.stdout.strip()})"


def specials(work: Path) -> list[dict]:
    """(tool, version, text, expected) for the programs that report a refusal."""
    nginx = subprocess.run(
        ["nginx", "-v"], capture_output=True, text=True
    ).stderr.strip()
    ssh = subprocess.run(["ssh", "-V"], capture_output=True, text=True).stderr.strip()
    rows = []
    for upstream, host in (
        ("http://127.0.0.1:8000", "127.0.0.1"),
        ("http://localhost:8000", "127.0.0.1"),
        ("http://[::1]:8000", "::1"),
    ):
        sub = work / f"nginx-{len(rows)}"
        sub.mkdir()
        with refused(8000):
            text = nginx_upstream(sub, upstream)
        rows.append(entry("nginx", nginx, text, "upstream", host, 8000, PROXY_PAGE))
    for port in (5432, 8000):
        sub = work / f"ssh-{port}"
        sub.mkdir()
        with refused(port):
            text = ssh_tunnel(sub, port)
        rows.append(entry("ssh -L", ssh, text, "tunel-ssh", None, None, TUNNEL_PAGE))
    version = subprocess.run(
        [str(TOOLS_DIR / "sv" / "bin" / "supervisorctl"), "version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    sub = work / "sv"
    sub.mkdir()
    rows.append(
        entry(
            "supervisorctl",
            f"supervisor {version}",
            supervisorctl(sub),
            "socket-unix",
            None,
            None,
            "programas/supervisor/",
            caminho=str(sub / "supervisor.sock"),
        )
    )
    docker = subprocess.run(
        ["docker", "--version"], capture_output=True, text=True
    ).stdout.strip()
    sub = work / "docker"
    sub.mkdir()
    rows.append(
        entry(
            "docker",
            docker,
            docker_unix(sub),
            "socket-unix",
            None,
            None,
            "servicos/unix/",
            caminho=str(sub / "docker.sock"),
        )
    )
    sub = work / "py"
    sub.mkdir()
    rows.append(
        entry(
            "socket (AF_UNIX)",
            f"Python {sys.version.split()[0]}",
            python_unix(sub),
            "programa",
            None,
            None,
            GENERIC,
        )
    )
    if (TOOLS_DIR / "hpm" / "node_modules").is_dir():
        for target, host in (
            ("http://localhost:8000", "localhost"),
            ("http://[::1]:8000", "::1"),
            ("http://127.0.0.1:8000", "127.0.0.1"),
        ):
            sub = work / f"hpm-{host.strip(':')}"
            sub.mkdir()
            with refused(8000):
                text = hpm(sub, target)
            rows.append(
                entry(
                    "http-proxy-middleware",
                    npm_version("http-proxy-middleware"),
                    text,
                    "servidor-dev-node",
                    host,
                    8000,
                    DEV_SERVER_PAGE,
                )
            )
    return rows


def entry(
    tool: str,
    version: str,
    text: str,
    who: str,
    host: str | None,
    port: int | None,
    page: str,
    **extra: str,
) -> dict:
    print(f"{tool}: {text[-160:]!r}", file=sys.stderr)
    return {
        "ferramenta": tool,
        "versao": version,
        "fonte": "capturada",
        "texto": text,
        "tipo": "recusada",
        "quem": who,
        "host": host,
        "porta": port,
        "pagina": page,
        **extra,
    }


def main() -> int:
    entries = []
    with tempfile.TemporaryDirectory() as home:
        for tool in TOOLS:
            if not tool.code and shutil.which(tool.argv[0]) is None:
                print(f"sem {tool.argv[0]}: pulado", file=sys.stderr)
                continue
            label = version(tool)
            with refused(tool.port):
                for host in tool.hosts:
                    text = run(tool, host, home)
                    shown = tool.shown.get(host, host)
                    kind, page = tool.kinds.get(host, ("recusada", tool.page))
                    if shown == "::1" and kind == "recusada":
                        page = IPV6_PAGE
                    entries.append(
                        {
                            "ferramenta": tool.name,
                            "versao": label,
                            "fonte": "capturada",
                            "host_pedido": host,
                            "texto": text,
                            "tipo": kind,
                            "quem": tool.who,
                            "host": shown,
                            "porta": tool.port if tool.port_shown else None,
                            "pagina": page,
                        }
                    )
                    print(f"{tool.name} {host}: {text[-120:]!r}", file=sys.stderr)
        entries += specials(Path(home))
    TARGET.write_text(
        json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(entries)} mensagens em {TARGET.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
