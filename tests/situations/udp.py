"""UDP situations: a closed port (ICMP port unreachable) and an echo server."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

from tests.loopback import bound_socket, serving, situation


@situation("udp_closed")
@contextlib.contextmanager
def udp_closed() -> Iterator[int]:
    """A UDP port nobody is bound to: datagrams get ICMP port unreachable.

    UDP cannot hold a port without receiving on it, so the port is found by
    binding and closing; another process taking it in the next milliseconds
    is the (negligible) risk.
    """
    with bound_socket(kind=socket.SOCK_DGRAM) as probe:
        port = probe.getsockname()[1]
    yield port


@situation("udp_echo")
@contextlib.contextmanager
def udp_echo() -> Iterator[int]:
    """A UDP server on 127.0.0.1 that sends every datagram back."""

    def echo() -> None:
        data, peer = sock.recvfrom(2048)
        sock.sendto(data, peer)

    with bound_socket(kind=socket.SOCK_DGRAM) as sock, serving(sock, echo):
        yield sock.getsockname()[1]
