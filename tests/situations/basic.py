"""The basic situations: refused, listening, accepting."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from tests.loopback import bound_socket, situation


@situation("refused")
@contextlib.contextmanager
def refused() -> Iterator[int]:
    """127.0.0.1:port bound but not listening: connections are refused."""
    with bound_socket() as sock:
        yield sock.getsockname()[1]


@situation("listening")
@contextlib.contextmanager
def listening() -> Iterator[int]:
    """127.0.0.1:port listening; the kernel completes the handshake.

    Nobody calls ``accept``: a connect succeeds from the backlog, which is all
    a connect-and-close snippet needs.
    """
    with bound_socket() as sock:
        sock.listen(16)
        yield sock.getsockname()[1]


@situation("accepting")
@contextlib.contextmanager
def accepting() -> Iterator[int]:
    """127.0.0.1:port with a thread that accepts, reads until EOF, and closes."""
    with bound_socket() as sock:
        sock.listen(16)
        sock.settimeout(0.05)
        stop = threading.Event()

        def serve() -> None:
            while not stop.is_set():
                try:
                    conn, _ = sock.accept()
                except TimeoutError:
                    continue
                except OSError:
                    return
                with conn:
                    conn.settimeout(1.0)
                    with contextlib.suppress(OSError):
                        while conn.recv(4096):
                            pass

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            yield sock.getsockname()[1]
        finally:
            stop.set()
            thread.join(timeout=2)
