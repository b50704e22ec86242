"""Claims the pages make in prose, each proven against real loopback sockets.

A snippet's ``#>`` output proves what it prints; these tests prove the
sentences around it (how many times a request reaches the server, what a
library does with ``HTTP_PROXY``, what the kernel does before ``accept()``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import importlib
import inspect
import platform
import random
import runpy
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterator

import aiohttp
import mysql.connector
import mysql.connector.constants
import pymysql
import pytest
import redis
import redis.backoff
import requests
import requests.adapters
import urllib3
from pytest_examples import EvalExample
from redis._defaults import (
    DEFAULT_RETRY_BASE,
    DEFAULT_RETRY_CAP,
    DEFAULT_RETRY_COUNT,
)
from selenium import webdriver

from tests.network import mapped
from tests.runner import WINDOWS_REFUSAL_DELAY, _program_context, run_snippet
from tests.scenarios import BY_SNIPPET, LOCALHOST_BOTH, ONLY_V4, Run
from tests.site import SNIPPETS
from tests.situations import LOOPBACK_V4, dual_stack, ipv6_available, read_http_request

PortIn = Callable[[str], int]
LINUX_ONLY = pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="a full accept queue drops SYNs (a timeout) on Linux only",
)
needs_ipv6 = pytest.mark.skipif(not ipv6_available(), reason="::1 unavailable here")


class RequestCounter:
    """An HTTP "server" that reads each request, counts it, then resets (RST).

    A failure *after* the request was sent: what urllib3 calls a read error.
    With ``reply``, it sends those bytes (a whole response) instead of the RST.
    """

    def __init__(self, reply: bytes | None = None) -> None:
        self.reply = reply
        self.requests = 0
        self.sock = socket.create_server((LOOPBACK_V4, 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn, contextlib.suppress(OSError):
                conn.settimeout(1)
                method, _ = read_http_request(conn)
                if method:
                    self.requests += 1
                if self.reply is not None:
                    conn.sendall(self.reply)
                    continue
                linger = struct.pack("ii", 1, 0)  # close() sends RST
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)

    @contextlib.contextmanager
    def running(self) -> Iterator[RequestCounter]:
        self.thread.start()
        try:
            yield self
        finally:
            self.stop.set()
            self.thread.join(timeout=2)
            self.sock.close()


def run_program(path: str, ports: dict[int, int]) -> None:
    """Run ``snippets/<path>`` as ``__main__`` with documented ports mapped."""
    with mapped(ports), _program_context(Run(), ports, path):
        runpy.run_path(str(SNIPPETS / path), run_name="__main__")


# bibliotecas/http.md, urllib3 ----------------------------------------------


def test_urllib3_snippet_sends_the_request_once_when_the_server_resets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with RequestCounter().running() as server:
        run_program("bibliotecas/urllib3_recusa.py", {8000: server.port})
    assert server.requests == 1
    assert "ProtocolError" in capsys.readouterr().out


def test_urllib3_connect_only_retry_still_repeats_a_sent_get() -> None:
    """``Retry(connect=2)`` leaves ``total=10``: a GET is sent 11 times."""
    with (
        RequestCounter().running() as server,
        urllib3.PoolManager(retries=urllib3.Retry(connect=2), timeout=2) as http,
        pytest.raises(urllib3.exceptions.MaxRetryError),
    ):
        http.request("GET", f"http://{LOOPBACK_V4}:{server.port}/")
    assert server.requests == 11


@contextlib.contextmanager
def counted_connects() -> Iterator[list[object]]:
    """Every address ``socket.connect`` is called with, while the context lasts."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def counting(sock: socket.socket, address: object) -> None:
        attempts.append(address)
        real_connect(sock, address)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", counting)
        yield attempts


def test_urllib3_snippet_tries_to_connect_three_times(port_in: PortIn) -> None:
    port = port_in("refused")
    with counted_connects() as attempts:
        run_program("bibliotecas/urllib3_recusa.py", {8000: port})
    assert len(attempts) == 3


# servicos/http.md, HTTPAdapter(max_retries=Retry(...)) ------------------------

UNAVAILABLE_RETRY_NOW = (
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\n"
    b"Content-Length: 0\r\nConnection: close\r\n\r\n"
)


def test_requests_retry_adapter_does_not_repeat_a_503_with_retry_after(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's "novas tentativas só para falhas de conexão": a 503 that
    asks to be retried at once (``Retry-After: 0``) is sent once and comes
    back as is."""
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", lambda seconds: None)
    with RequestCounter(reply=UNAVAILABLE_RETRY_NOW).running() as server:
        run_program("servicos/requests_retry_adapter.py", {8000: server.port})
    assert server.requests == 1
    assert capsys.readouterr().out == "HTTP 503\n"


def test_connect_only_retry_sends_a_503_with_retry_after_11_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page's counterexample, ``Retry(connect=3, read=0,
    backoff_factor=0.1)``: ``total`` stays 10, the 503 goes out 11 times.
    (``Retry-After: 0`` falls back to the backoff: no sleeping here.)"""
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", lambda seconds: None)
    retry = urllib3.Retry(connect=3, read=0, backoff_factor=0.1)
    with (
        RequestCounter(reply=UNAVAILABLE_RETRY_NOW).running() as server,
        requests.Session() as session,
    ):
        session.mount("http://", requests.adapters.HTTPAdapter(max_retries=retry))
        response = session.get(f"http://{LOOPBACK_V4}:{server.port}/", timeout=2)
    assert server.requests == 11
    assert response.status_code == 503


# servicos/http.md: curl and the proxy variables ------------------------------


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_obeys_http_proxy_unless_noproxy(port_in: PortIn) -> None:
    """ "o `curl` também obedece a `http_proxy`": with a dead proxy in the
    environment it fails while the server is up; ``--noproxy '*'`` reaches the
    server, and ``Connected to`` names it."""
    server, proxy = port_in("http"), port_in("refused")
    env = {"PATH": "/usr/bin:/bin", "http_proxy": f"http://{LOOPBACK_V4}:{proxy}"}
    url = f"http://{LOOPBACK_V4}:{server}/"

    def curl(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["curl", "-sv", "-o", "/dev/null", "--max-time", "2", *options, url],
            capture_output=True,
            text=True,
            env=env,
            timeout=10,
        )

    through_proxy = curl()
    assert through_proxy.returncode != 0, through_proxy.stderr
    assert f"port {proxy}" in through_proxy.stderr
    direct = curl("--noproxy", "*")
    assert direct.returncode == 0, direct.stderr
    assert f"Connected to {LOOPBACK_V4} ({LOOPBACK_V4}) port {server}" in direct.stderr


# servicos/conteineres-e-ci.md: OLLAMA_HOST is the server's, not a URL ---------


def test_ollama_host_is_not_a_url_for_requests() -> None:
    """ "Lido como URL, esse valor faz o `requests` levantar `InvalidSchema`",
    which ``except ConnectionError`` does not catch."""
    with pytest.raises(requests.exceptions.InvalidSchema) as info:
        requests.get("0.0.0.0:11434/api/tags", timeout=1)
    assert not isinstance(info.value, requests.exceptions.ConnectionError)


def test_ollama_snippet_ignores_the_servers_ollama_host(
    eval_example: EvalExample, capsys: pytest.CaptureFixture[str]
) -> None:
    """With ``OLLAMA_HOST=0.0.0.0:11434`` set as the page says, the example
    still reports the refusal, without a traceback."""
    scenario = BY_SNIPPET["servicos/ollama_host_docker.py"]
    run = dataclasses.replace(
        scenario.variants["mensagem"],
        env={**scenario.variants["mensagem"].env, "OLLAMA_HOST": "0.0.0.0:11434"},
    )
    outcome = run_snippet(eval_example, scenario, run, check_prints=False)
    assert outcome.exception is None, outcome.exception
    assert "Connection refused" in capsys.readouterr().out


# servicos/selenium.md: the driver's port --------------------------------------


def test_selenium_tries_a_refused_driver_port_four_times(port_in: PortIn) -> None:
    """ "O Selenium tenta cada comando mais 3 vezes": urllib3's default
    ``Retry(3)``, since Selenium sets no retries of its own."""
    port = port_in("refused")
    with (
        counted_connects() as attempts,
        pytest.raises(urllib3.exceptions.MaxRetryError),
    ):
        webdriver.Remote(
            f"http://{LOOPBACK_V4}:{port}", options=webdriver.ChromeOptions()
        )
    assert len(attempts) == 4


# servicos/mysql.md: the drivers' timeouts and the C extension -----------------


def test_pymysql_waits_10_s_by_default_and_mysql_connector_forever() -> None:
    """ "o `connect_timeout` do PyMySQL já vale 10 s por padrão"; the
    mysql-connector has none."""
    init = inspect.signature(pymysql.connections.Connection.__init__)
    assert init.parameters["connect_timeout"].default == 10
    defaults = mysql.connector.constants.DEFAULT_CONFIGURATION
    assert defaults["connection_timeout"] is None


@pytest.mark.skipif(
    ssl.OPENSSL_VERSION_INFO >= (3, 2),
    reason="this Python's OpenSSL is 3.2 or newer: the C extension loads",
)
def test_mysql_connector_c_extension_needs_openssl_3_2() -> None:
    """ "A extensão em C do pacote 26.10.0 precisa da OpenSSL 3.2 ou mais
    nova": with this Python's older OpenSSL loaded, it does not load, and the
    connector falls back to pure Python without a word."""
    assert not mysql.connector.HAVE_CEXT
    with pytest.raises(ImportError, match="OPENSSL_3.2.0"):
        importlib.import_module("mysql.connector.connection_cext")


# servicos/servidor.md: listen() without a backlog ---------------------------

needs_ss = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("ss") is None,
    reason="ss (iproute2) shows a listener's backlog on Linux",
)


@needs_ss
def test_listen_without_argument_uses_min_of_somaxconn_and_128() -> None:
    """ "sem argumento, ``listen()`` usa ``min(SOMAXCONN, 128)``": the limit
    ``ss -ltn`` shows in ``Send-Q`` for a listener, not ``SOMAXCONN`` itself."""
    with socket.create_server((LOOPBACK_V4, 0)) as server:
        server.listen()
        port = server.getsockname()[1]
        shown = subprocess.run(
            ["ss", "-Hltn", f"sport = :{port}"],
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.split()
    assert shown[0] == "LISTEN", shown
    assert int(shown[2]) == min(socket.SOMAXCONN, 128), (shown, socket.SOMAXCONN)


# bibliotecas/http.md, requests and proxies ----------------------------------


def test_requests_connect_timeout_is_both_connection_error_and_timeout() -> None:
    exc = requests.exceptions.ConnectTimeout()
    assert isinstance(exc, requests.exceptions.ConnectionError)
    assert isinstance(exc, requests.exceptions.Timeout)


def _aiohttp_status(port: int, trust_env: bool) -> int:
    async def main() -> int:
        timeout = aiohttp.ClientTimeout(total=2)
        async with (
            aiohttp.ClientSession(trust_env=trust_env, timeout=timeout) as session,
            session.get(f"http://{LOOPBACK_V4}:{port}/") as response,
        ):
            return response.status

    return asyncio.run(main())


def test_aiohttp_ignores_http_proxy_unless_trust_env(
    port_in: PortIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, proxy = port_in("http"), port_in("refused")
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, f"http://{LOOPBACK_V4}:{proxy}")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert _aiohttp_status(server, trust_env=False) == 200
    with pytest.raises(aiohttp.ClientProxyConnectionError):
        _aiohttp_status(server, trust_env=True)


def test_http_proxy_is_not_used_for_https_urls(
    port_in: PortIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, proxy = port_in("http"), port_in("refused")
    monkeypatch.setenv("HTTP_PROXY", f"http://{LOOPBACK_V4}:{proxy}")
    for name in ("http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(requests.exceptions.RequestException) as info:
        requests.get(f"https://{LOOPBACK_V4}:{server}/", timeout=2)
    # Straight to the (plain HTTP) server: a TLS failure, not the dead proxy.
    assert isinstance(info.value, requests.exceptions.SSLError)
    assert not isinstance(info.value, requests.exceptions.ProxyError)


# bibliotecas/bancos.md, redis-py ---------------------------------------------


@pytest.mark.order(1)  # four seconds of back-off: handed out early
def test_redis_constructor_retries_but_from_url_does_not(
    port_in: PortIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages' "cerca de 4 s (entre 2 e 5 s)" with ``Redis(...)``, at once with
    ``from_url``. The waits are drawn at random (jitter): the seed makes the
    run repeatable; the upper bound is the sum of the capped waits."""
    waits = [
        min(DEFAULT_RETRY_CAP, DEFAULT_RETRY_BASE * 2**failures)
        for failures in range(1, DEFAULT_RETRY_COUNT + 1)
    ]
    assert DEFAULT_RETRY_COUNT == 10  # the page's "tenta de novo 10 vezes"
    assert 5.0 < sum(waits) < 5.5, waits  # at most the capped waits: "até 5 s"
    monkeypatch.setattr(redis.backoff, "random", random.Random(5))
    port = port_in("refused")
    timings = {}
    for name, client in (
        ("Redis", redis.Redis(host=LOOPBACK_V4, port=port, socket_connect_timeout=2)),
        ("from_url", redis.Redis.from_url(f"redis://{LOOPBACK_V4}:{port}/0")),
    ):
        start = time.perf_counter()
        with pytest.raises(redis.exceptions.ConnectionError):
            client.ping()
        timings[name] = time.perf_counter() - start
        client.close()
    assert 2.0 < timings["Redis"] < sum(waits) + 0.5, timings
    assert timings["from_url"] < 0.5 + WINDOWS_REFUSAL_DELAY, timings


# documentacao.md: only the kernel (or a firewall) refuses -------------------


def test_an_application_cannot_refuse_only_close_or_reset_afterwards() -> None:
    """The handshake completes before ``accept()``: a server that "rejects"
    the client can only reset the connection the client already has."""
    with (
        socket.create_server((LOOPBACK_V4, 0)) as server,
        socket.create_connection(server.getsockname(), timeout=1) as client,
    ):
        conn, _ = server.accept()  # the application "rejects" it
        linger = struct.pack("ii", 1, 0)  # close() sends RST
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        conn.close()
        with pytest.raises(ConnectionResetError):
            client.recv(1)


# armadilhas/connect-ex.md ---------------------------------------------------


@LINUX_ONLY
def test_connect_ex_with_a_timeout_returns_eagain_not_etimedout(
    port_in: PortIn,
) -> None:
    port = port_in("backlog_full")
    with socket.socket() as sock:
        sock.settimeout(0.2)
        code = sock.connect_ex((LOOPBACK_V4, port))
    assert code == errno.EAGAIN
    assert code != errno.ETIMEDOUT


# armadilhas/socket-vazado.md ------------------------------------------------


CPYTHON_ONLY = pytest.mark.skipif(
    platform.python_implementation() != "CPython",
    reason="closing on rebinding is CPython's reference counting",
)


@CPYTHON_ONLY
def test_rebinding_closes_the_old_socket_with_a_resource_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        s = socket.socket()
        first = weakref.ref(s)
        s = socket.socket()  # the first one has no reference left
        s.close()
    # Closed at once (the recorded warning may still hold the object).
    old = first()
    assert old is None or old.fileno() == -1
    assert [w for w in caught if issubclass(w.category, ResourceWarning)]


LEAK_LOOP = """
import resource, socket, warnings
warnings.simplefilter("ignore", ResourceWarning)
_, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
kept = []
for _ in range(200):
    s = socket.socket()  # never closed
    if KEEP:
        kept.append(s)
print("ok")
"""


@CPYTHON_ONLY
@pytest.mark.skipif(sys.platform == "win32", reason="the resource module is POSIX")
@pytest.mark.parametrize(("keep", "exhausts"), [(False, False), (True, True)])
def test_only_kept_references_exhaust_descriptors(keep: bool, exhausts: bool) -> None:
    """200 unclosed sockets under a limit of 64 descriptors: rebinding the
    variable frees each one; keeping them in a list ends in EMFILE."""
    result = subprocess.run(
        [sys.executable, "-c", f"KEEP = {keep}\n{LEAK_LOOP}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if exhausts:
        assert result.returncode != 0
        assert "Too many open files" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout == "ok\n"


LEAK_AT_EXIT = "import socket\ns = socket.socket()  # never closed\n"


@CPYTHON_ONLY
@pytest.mark.parametrize(
    ("flags", "shown"),
    [((), False), (("-X", "dev"), True), (("-W", "default"), True)],
    ids=["plain", "dev_mode", "w_default"],
)
def test_resource_warning_is_hidden_by_default(
    flags: tuple[str, ...], shown: bool
) -> None:
    """The default warning filters ignore ResourceWarning (a plain ``python``
    run shows nothing); ``-X dev`` and ``-W default`` show the unclosed socket.
    ``-E`` keeps this run's PYTHONWARNINGS out, as in a reader's shell."""
    result = subprocess.run(
        [sys.executable, "-E", *flags, "-c", LEAK_AT_EXIT],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert ("ResourceWarning: unclosed <socket.socket" in result.stderr) is shown, (
        result.stderr
    )


# armadilhas/servico-iniciando.md -------------------------------------------


def test_wait_for_port_is_satisfied_by_a_listener_that_never_serves(
    port_in: PortIn,
) -> None:
    """Accepting is not being ready: a proxy that accepts and drops every
    connection (as docker-proxy does while the container's server is not up)
    ends the wait at once, and the first real request is reset."""
    from recipes import wait_for_port  # snippets/ is on the path (conftest.py)

    port = port_in("reset")
    waited = wait_for_port(LOOPBACK_V4, port, timeout=2, interval=0.02)
    assert waited < 0.5
    with socket.create_connection((LOOPBACK_V4, port), timeout=2) as conn:
        conn.sendall(b"GET /health HTTP/1.0\r\n\r\n")
        with pytest.raises(ConnectionResetError):
            conn.recv(1024)


# armadilhas/localhost-ipv6.md -----------------------------------------------


@needs_ipv6
@pytest.mark.parametrize("hosts", [LOCALHOST_BOTH, ONLY_V4], ids=["v6_v4", "v4"])
def test_two_local_listeners_serve_localhost_either_way(
    hosts: dict[str, tuple[str, ...]],
) -> None:
    """Local only, both families: 127.0.0.1 and ::1, not "::" (every address)."""
    with (
        dual_stack(v4_listens=True, v6_listens=True) as port,
        mapped({}, hosts),
        socket.create_connection(("localhost", port), timeout=1) as conn,
    ):
        assert conn.getpeername()[0] == hosts["localhost"][0]
