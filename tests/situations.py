"""Loopback situations: what stands behind a documented port while a snippet runs.

Each situation is a plain context manager that prepares real sockets on
loopback and yields the real port. :data:`SITUATIONS`, at the end of this
file, is the one list of them: the scenario table names its entries, and an
unknown name fails when the table loads.

``speaks`` says which protocol a client meets there (``None``: nothing
answers). The table uses it to refuse a claim such as "with the server
running, smtplib prints X" proven against a bare socket that speaks no SMTP.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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
    host: str = LOOPBACK_V4, port: int = 0, kind: int = socket.SOCK_STREAM
) -> Iterator[socket.socket]:
    """A socket bound to ``host`` (an ephemeral port by default), not listening.

    A TCP connection to it is refused by the kernel, and no other process can
    take the port while it is held: the most reliable refusal there is.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, kind) as sock:
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
        status = 500 if self.path.startswith("/erro") else 200
        body = b"ok\n" if status == 200 else b"erro\n"
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: tests read the client's output, not the server's log."""


def http() -> contextlib.AbstractContextManager[int]:
    """An HTTP server: ``200 ok`` on any path, ``500`` under ``/erro``."""
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


@dataclass(frozen=True)
class Situation:
    """A named situation: how to start it and which protocol answers there."""

    start: Callable[[], contextlib.AbstractContextManager[int]]
    speaks: str | None  # None: nothing answers (a refusal, a closed port)

    @property
    def summary(self) -> str:
        return (self.start.__doc__ or "").strip().splitlines()[0]


SITUATIONS: dict[str, Situation] = {
    "refused": Situation(refused, speaks=None),
    "listening": Situation(listening, speaks="tcp"),
    "accepting": Situation(accepting, speaks="tcp"),
    "late": Situation(late, speaks="tcp"),
    "reset": Situation(reset, speaks="tcp"),
    "backlog_full": Situation(backlog_full, speaks="tcp"),
    "http": Situation(http, speaks="http"),
    "refused_both": Situation(refused_both, speaks=None),
    "v6_only": Situation(v6_only, speaks="tcp"),
    "v4_only": Situation(v4_only, speaks="tcp"),
    "udp_closed": Situation(udp_closed, speaks=None),
    "udp_echo": Situation(udp_echo, speaks="udp"),
}
