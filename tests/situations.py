"""Loopback situations: what stands behind a documented port while a snippet runs.

Each situation is a plain context manager that prepares real sockets on
loopback and yields the real port. :data:`SITUATIONS`, at the end of this
file, is the one list of them: the scenario table names its entries, and an
unknown name fails when the table loads.

``speaks`` says which protocol's server answers there; ``None``: nothing
answers (no byte ever comes back: a refusal, a listener that never answers,
a reset, a full queue). The table uses it to refuse a claim such as "with the
server running, smtplib prints X" proven against a server of another
protocol, while any client may meet a situation where nothing answers.
``refuses`` says that a connection there is refused at once.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import struct
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from filelock import FileLock, Timeout

LOOPBACK_V4 = "127.0.0.1"
LOOPBACK_V6 = "::1"
LATE_START_SECONDS = 0.2


def ipv6_available() -> bool:
    """Whether a socket can be bound to ``::1`` on this machine."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind((LOOPBACK_V6, 0))
    except OSError:
        return False
    return True


@contextlib.contextmanager
def bound_socket(
    host: str = LOOPBACK_V4,
    port: int = 0,
    kind: int = socket.SOCK_STREAM,
    *,
    reuse_address: bool = False,
) -> Iterator[socket.socket]:
    """A socket bound to ``host`` (an ephemeral port by default), not listening.

    A TCP connection to it is refused by the kernel, and no other process can
    take the port while it is held: the most reliable refusal there is.
    ``reuse_address`` (``SO_REUSEADDR``) lets it bind a port whose closed
    connections are still in TIME_WAIT.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, kind) as sock:
        if reuse_address:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        yield sock


@contextlib.contextmanager
def serving(sock: socket.socket, step: Callable[[], None]) -> Iterator[None]:
    """Call ``step`` (one accept, one datagram...) in a thread until the end.

    A timeout inside ``step`` just loops; any other ``OSError`` (the socket
    was closed) ends the thread.
    """
    sock.settimeout(0.05)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                step()
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=2)


@contextlib.contextmanager
def in_thread(server: socketserver.BaseServer) -> Iterator[int]:
    """Run a ``socketserver`` server (HTTP, SMTP...) in a thread; yield its port."""
    server.daemon_threads = True  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)


# --------------------------------------------------------------------------
# The situations.
# --------------------------------------------------------------------------


@contextlib.contextmanager
def refused() -> Iterator[int]:
    """127.0.0.1:port bound but not listening: connections are refused."""
    with bound_socket() as sock:
        yield sock.getsockname()[1]


@contextlib.contextmanager
def listening() -> Iterator[int]:
    """Listening, nobody calls ``accept``: the handshake completes from the backlog."""
    with bound_socket() as sock:
        sock.listen(16)
        yield sock.getsockname()[1]


@contextlib.contextmanager
def accepting() -> Iterator[int]:
    """A thread accepts, reads until EOF, and closes."""

    def read_until_eof() -> None:
        conn, _ = sock.accept()
        with conn, contextlib.suppress(OSError):
            conn.settimeout(1.0)
            while conn.recv(4096):
                pass

    with bound_socket() as sock:
        sock.listen(16)
        with serving(sock, read_until_eof):
            yield sock.getsockname()[1]


@contextlib.contextmanager
def late() -> Iterator[int]:
    """Refused at first; the same port listens after 0.2 s (a service starting).

    The port is held the whole time, so the early refusals and the late
    success are the same server.
    """
    with bound_socket() as sock:
        timer = threading.Timer(LATE_START_SECONDS, sock.listen, args=(16,))
        timer.start()
        try:
            yield sock.getsockname()[1]
        finally:
            timer.cancel()
            timer.join()


@contextlib.contextmanager
def reset() -> Iterator[int]:
    """Accepts, waits for the first bytes (0.5 s at most), then aborts with RST."""

    def abort_after_first_bytes() -> None:
        conn, _ = sock.accept()
        conn.settimeout(0.5)
        with contextlib.suppress(OSError):
            conn.recv(1)
        linger = struct.pack("ii", 1, 0)  # on, 0 s: close() sends RST
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        conn.close()

    with bound_socket() as sock:
        sock.listen(16)
        with serving(sock, abort_after_first_bytes):
            yield sock.getsockname()[1]


@contextlib.contextmanager
def backlog_full() -> Iterator[int]:
    """A full accept queue: Linux drops further SYNs, so connects time out.

    ``listen(0)`` leaves one slot; one connection fills it, nobody accepts.
    """
    with bound_socket() as sock, socket.socket() as filler:
        sock.listen(0)
        port = sock.getsockname()[1]
        filler.settimeout(1)
        filler.connect((LOOPBACK_V4, port))
        yield port


class _HttpHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        """The same answer to every method; a request's body is read first."""
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status = 500 if self.path.startswith("/erro") else 200
        body = b"ok\n" if status == 200 else b"erro\n"
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = do_GET  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: tests read the client's output, not the server's log."""


def http() -> contextlib.AbstractContextManager[int]:
    """An HTTP server: ``200 ok`` on any path and method, ``500`` under ``/erro``."""
    return in_thread(ThreadingHTTPServer((LOOPBACK_V4, 0), _HttpHandler))


@contextlib.contextmanager
def dual_stack(v4_listens: bool, v6_listens: bool) -> Iterator[int]:
    """The same port number on 127.0.0.1 and ::1, each listening or refusing."""
    for _ in range(50):
        with contextlib.ExitStack() as stack:
            v4 = stack.enter_context(bound_socket(LOOPBACK_V4))
            port = v4.getsockname()[1]
            try:
                v6 = stack.enter_context(bound_socket(LOOPBACK_V6, port))
            except OSError:
                continue  # taken on ::1: try another port
            for sock, listens in ((v4, v4_listens), (v6, v6_listens)):
                if listens:
                    sock.listen(16)
            yield port
            return
    raise RuntimeError("no port free on both 127.0.0.1 and ::1")


def refused_both() -> contextlib.AbstractContextManager[int]:
    """127.0.0.1:port and [::1]:port both bound, neither listening."""
    return dual_stack(v4_listens=False, v6_listens=False)


def v6_only() -> contextlib.AbstractContextManager[int]:
    """Listening on [::1]:port only; 127.0.0.1:port refuses."""
    return dual_stack(v4_listens=False, v6_listens=True)


def v4_only() -> contextlib.AbstractContextManager[int]:
    """Listening on 127.0.0.1:port only; [::1]:port refuses."""
    return dual_stack(v4_listens=True, v6_listens=False)


@contextlib.contextmanager
def udp_closed() -> Iterator[int]:
    """A UDP port nobody holds: datagrams get ICMP port unreachable.

    UDP cannot hold a port without receiving on it, so the port is found by
    binding and closing; another process taking it within milliseconds is
    the (negligible) risk.
    """
    with bound_socket(kind=socket.SOCK_DGRAM) as probe:
        port = probe.getsockname()[1]
    yield port


@contextlib.contextmanager
def udp_echo() -> Iterator[int]:
    """A UDP server that sends every datagram back."""

    def echo() -> None:
        data, peer = sock.recvfrom(2048)
        sock.sendto(data, peer)

    with bound_socket(kind=socket.SOCK_DGRAM) as sock, serving(sock, echo):
        yield sock.getsockname()[1]


@contextlib.contextmanager
def http_late() -> Iterator[int]:
    """Refused at first; the same port serves HTTP after 0.2 s (a web app starting)."""
    server = ThreadingHTTPServer(
        (LOOPBACK_V4, 0), _HttpHandler, bind_and_activate=False
    )
    server.server_bind()
    started = contextlib.ExitStack()

    def start() -> None:
        server.server_activate()  # listen(): from now on, connections succeed
        started.enter_context(in_thread(server))

    timer = threading.Timer(LATE_START_SECONDS, start)
    timer.start()
    try:
        yield server.server_address[1]
    finally:
        timer.cancel()
        timer.join()
        started.close()
        server.server_close()


# How long a documented port may be held by another test of this machine
# (another xdist worker, a nested run) before the wait fails: each holder
# keeps it for one snippet run.
PORT_WAIT_SECONDS = 120.0


def _port_lock(port: int) -> FileLock:
    """One lock per documented port, shared by every process of this machine
    (re-entrant in a thread: a situation holds the port on both families)."""
    path = Path(tempfile.gettempdir()) / f"loopback-port-{port}.lock"
    return FileLock(path, is_singleton=True)


def _hold(stack: contextlib.ExitStack, host: str, port: int) -> socket.socket:
    """``port`` itself on ``host``, bound (not listening) for the context.

    Tests that need the same documented port take turns (a file lock), and
    ``SO_REUSEADDR`` lets a turn start while the previous one's closed
    connections are still in TIME_WAIT (``v4_closes_5432`` leaves some for
    60 s). The test is skipped only where something else on this machine
    holds the port.
    """
    import pytest  # only here: situations are plain context managers

    lock = _port_lock(port)
    try:
        stack.enter_context(lock.acquire(timeout=PORT_WAIT_SECONDS))
    except Timeout:
        pytest.fail(
            f"port {port}: another test kept it for more than "
            f"{PORT_WAIT_SECONDS:g} s (lock {lock.lock_file})"
        )
    try:
        return stack.enter_context(bound_socket(host, port, reuse_address=True))
    except OSError as exc:
        pytest.skip(f"port {port} is in use on {host} here: {exc}")


@contextlib.contextmanager
def refused_at(port: int) -> Iterator[int]:
    """``port`` itself refused on 127.0.0.1 and ::1, for clients in C (libpq,
    gRPC's core) that the port mapping cannot reach.

    They print the port they tried, so the page's message needs the real
    documented port. Skipped where something on this machine holds it.
    """
    with contextlib.ExitStack() as stack:
        for host in [LOOPBACK_V4] + ([LOOPBACK_V6] if ipv6_available() else []):
            _hold(stack, host, port)
        yield port


def refused_5432() -> contextlib.AbstractContextManager[int]:
    """PostgreSQL's port, for libpq (psycopg2, psycopg, Django)."""
    return refused_at(5432)


def refused_50051() -> contextlib.AbstractContextManager[int]:
    """The port of gRPC's examples, for grpcio's core (in C)."""
    return refused_at(50051)


@contextlib.contextmanager
def v4_closes_5432() -> Iterator[int]:
    """Port 5432 itself: ::1 refuses; 127.0.0.1 accepts and closes at once.

    A server that listens on IPv4 only and fails there for another reason:
    the reader sees the ::1 refusal first, then the other error.
    """
    if not ipv6_available():
        import pytest  # only here: situations are plain context managers

        pytest.skip("::1 unavailable here")
    with contextlib.ExitStack() as stack:
        _hold(stack, LOOPBACK_V6, 5432)
        server = _hold(stack, LOOPBACK_V4, 5432)
        server.listen(8)

        def close_one() -> None:
            conn, _ = server.accept()
            conn.close()

        stack.enter_context(serving(server, close_one))
        yield 5432


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Greets, accepts any sender, recipient and message, and says goodbye."""

    def handle(self) -> None:
        self.wfile.write(b"220 localhost ESMTP servidor de teste\r\n")
        for line in self.rfile:
            command = line[:4].upper()
            if command == b"QUIT":
                self.wfile.write(b"221 Tchau\r\n")
                return
            if command == b"DATA":
                self.wfile.write(b"354 Pode enviar\r\n")
                for body_line in self.rfile:
                    if body_line in (b".\r\n", b".\n"):
                        break
                self.wfile.write(b"250 Mensagem aceita\r\n")
            elif command in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 localhost\r\n")
            else:
                self.wfile.write(b"250 OK\r\n")


def smtp() -> contextlib.AbstractContextManager[int]:
    """A minimal SMTP server: greets, accepts every message, says goodbye."""
    return in_thread(socketserver.ThreadingTCPServer((LOOPBACK_V4, 0), _SmtpHandler))


WEBDRIVER_SESSION = "5e55f00d"


def read_http_request(conn: socket.socket) -> tuple[str, str]:
    """Method and path of one HTTP request on ``conn`` (body read and dropped)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = 0
    for header in lines[1:]:
        name, _, value = header.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(4096)
        if not chunk:
            break
        body += chunk
    method, path, *_ = [*lines[0].split(" "), "", ""]
    return method, path


_NO_SUCH_SESSION = (
    "404 Not Found",
    '{"error": "invalid session id", "message": "invalid session id", '
    '"stacktrace": ""}',
)


def _webdriver_answer(method: str, path: str, sessions: set[str]) -> tuple[str, str]:
    """Status and JSON ``value`` of a WebDriver server (W3C) for one request."""
    if method == "POST" and path == "/session":
        sessions.add(WEBDRIVER_SESSION)
        return "200 OK", (
            f'{{"sessionId": "{WEBDRIVER_SESSION}", '
            '"capabilities": {"browserName": "chrome"}}'
        )
    session = path.split("/")[2] if path.startswith("/session/") else ""
    if session not in sessions:
        return _NO_SUCH_SESSION
    if method == "DELETE" and path.count("/") == 2:
        sessions.discard(session)
    return "200 OK", "null"


@contextlib.contextmanager
def webdriver() -> Iterator[int]:
    """A WebDriver server (like a chromedriver started by hand, or a Grid).

    ``POST /session`` opens a session; ``DELETE /session/<id>`` (what
    ``driver.quit()`` sends) ends it, and the server goes on listening, as
    the real one does: later commands for that session get
    ``404 invalid session id``. (Only a local driver, ``webdriver.Chrome()``,
    also stops the driver process on ``quit()``.)
    """
    sessions: set[str] = set()
    with socket.socket() as sock:
        sock.bind((LOOPBACK_V4, 0))
        sock.listen(16)

        def answer_one() -> None:
            conn, _ = sock.accept()
            with conn:
                conn.settimeout(1.0)
                status, value = _webdriver_answer(*read_http_request(conn), sessions)
                body = f'{{"value": {value}}}'.encode()
                conn.sendall(
                    f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n".encode()
                    + f"Content-Length: {len(body)}\r\n".encode()
                    + b"Connection: close\r\n\r\n"
                    + body
                )

        with serving(sock, answer_one):
            yield sock.getsockname()[1]


@dataclass(frozen=True)
class Situation:
    """A named situation: how to start it and which protocol answers there."""

    start: Callable[[], contextlib.AbstractContextManager[int]]
    speaks: str | None  # None: nothing answers, no byte ever comes back
    refuses: bool = False  # a connection there is refused at once

    @property
    def summary(self) -> str:
        return (self.start.__doc__ or "").strip().splitlines()[0]


SITUATIONS: dict[str, Situation] = {
    "refused": Situation(refused, speaks=None, refuses=True),
    "listening": Situation(listening, speaks=None),
    "accepting": Situation(accepting, speaks=None),
    "late": Situation(late, speaks=None),
    "reset": Situation(reset, speaks=None),
    "backlog_full": Situation(backlog_full, speaks=None),
    "http": Situation(http, speaks="http"),
    "refused_both": Situation(refused_both, speaks=None, refuses=True),
    "v6_only": Situation(v6_only, speaks=None),
    "v4_only": Situation(v4_only, speaks=None),
    "udp_closed": Situation(udp_closed, speaks=None, refuses=True),
    "udp_echo": Situation(udp_echo, speaks="udp"),
    "http_late": Situation(http_late, speaks="http"),
    "refused_5432": Situation(refused_5432, speaks=None, refuses=True),
    "refused_50051": Situation(refused_50051, speaks=None, refuses=True),
    "v4_closes_5432": Situation(v4_closes_5432, speaks=None),
    "smtp": Situation(smtp, speaks="smtp"),
    "webdriver": Situation(webdriver, speaks="webdriver"),
}
