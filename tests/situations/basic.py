"""The basic situations: refused, listening, accepting."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from tests.loopback import LOOPBACK_V4, LOOPBACK_V6, bound_socket, serving, situation


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

    def read_until_eof() -> None:
        conn, _ = sock.accept()
        with conn, contextlib.suppress(OSError):
            conn.settimeout(1.0)
            while conn.recv(4096):
                pass

    with bound_socket() as sock:
        sock.listen(16)  # before the thread starts accepting
        with serving(sock, read_until_eof):
            yield sock.getsockname()[1]


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
                continue  # port taken on ::1: try another one
            for sock, listens in ((v4, v4_listens), (v6, v6_listens)):
                if listens:
                    sock.listen(16)
            yield port
            return
    raise RuntimeError("no port free on both 127.0.0.1 and ::1")


@situation("refused_both")
def refused_both() -> contextlib.AbstractContextManager[int]:
    """127.0.0.1:port and [::1]:port both bound, neither listening."""
    return dual_stack(v4_listens=False, v6_listens=False)


@situation("v6_only")
def v6_only() -> contextlib.AbstractContextManager[int]:
    """Listening on [::1]:port only; 127.0.0.1:port refuses."""
    return dual_stack(v4_listens=False, v6_listens=True)


@situation("v4_only")
def v4_only() -> contextlib.AbstractContextManager[int]:
    """Listening on 127.0.0.1:port only; [::1]:port refuses."""
    return dual_stack(v4_listens=True, v6_listens=False)
