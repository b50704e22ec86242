"""Situations with a busy server: late start, reset, full backlog, HTTP."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.loopback import LOOPBACK_V4, bound_socket, serving, situation

LATE_START_SECONDS = 0.2


@situation("late")
@contextlib.contextmanager
def late() -> Iterator[int]:
    """Refused at first; the same port starts listening after 0.2 s.

    The port is held (bound) the whole time, so nothing else can take it: the
    early refusals and the late success are the same server, as in a service
    that is still starting.
    """
    with bound_socket() as sock:
        timer = threading.Timer(LATE_START_SECONDS, sock.listen, args=(16,))
        timer.start()
        try:
            yield sock.getsockname()[1]
        finally:
            timer.cancel()
            timer.join()


@situation("reset")
@contextlib.contextmanager
def reset() -> Iterator[int]:
    """Accepts each connection, reads, then aborts it with a TCP RST (SO_LINGER 0)."""

    def abort_after_first_bytes() -> None:
        conn, _ = sock.accept()
        # Wait for the client's first bytes (or 0.5 s), then abort: a reset
        # during the conversation, never during the handshake.
        conn.settimeout(0.5)
        with contextlib.suppress(OSError):
            conn.recv(1)
        linger = struct.pack("ii", 1, 0)  # on, 0 s: close() sends RST
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        conn.close()

    with bound_socket() as sock:
        sock.listen(16)  # before the thread starts accepting
        with serving(sock, abort_after_first_bytes):
            yield sock.getsockname()[1]


@situation("backlog_full")
@contextlib.contextmanager
def backlog_full() -> Iterator[int]:
    """Listening with a full accept queue: new connects time out (Linux).

    ``listen(0)`` leaves one slot; one connection fills it and nobody calls
    ``accept``. Linux then drops further SYNs instead of refusing them.
    """
    with bound_socket() as sock, socket.socket() as filler:
        sock.listen(0)
        port = sock.getsockname()[1]
        filler.settimeout(1)
        filler.connect((LOOPBACK_V4, port))
        yield port


class _Handler(BaseHTTPRequestHandler):
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


@situation("http")
@contextlib.contextmanager
def http() -> Iterator[int]:
    """An HTTP server on 127.0.0.1: ``200 ok`` on any path, ``500`` under /erro."""
    server = ThreadingHTTPServer((LOOPBACK_V4, 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)
