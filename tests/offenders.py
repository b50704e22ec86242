"""Code that reaches beyond loopback on purpose, for the guard's tests.

A module of its own, light to import: the lab runs each blind spot in a fresh
interpreter (``test_network.py``), which then needs only this and
``tests.network``.
"""

from __future__ import annotations

import _socket
import socket


def udp_to_outside() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"x", ("192.0.2.1", 53))  # TEST-NET-1: never routed


def tcp_to_outside() -> None:
    with socket.socket() as sock:
        sock.connect(("192.0.2.1", 80))


def connect_ex_to_outside() -> None:
    with socket.socket() as sock:
        sock.connect_ex(("192.0.2.1", 80))


def sendmsg_to_outside() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendmsg([b"x"], [], 0, ("192.0.2.1", 53))


def c_level_connect() -> None:
    """The C method itself, past the patched ``socket.socket.connect``: the
    path a C extension built on ``_socket`` takes."""
    sock = _socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # no `with` in C
    try:
        sock.connect(("192.0.2.1", 9))
    finally:
        sock.close()


def c_level_connect_ex() -> None:
    sock = _socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect_ex(("192.0.2.1", 9))
    finally:
        sock.close()


def c_level_getaddrinfo() -> None:
    _socket.getaddrinfo("example.com", 80)


# The blind spots a deliberate breakage found: each swallowed its error and
# stayed green. Each is now refused before the system call and recorded.
BLIND_SPOTS = {
    "sendmsg": sendmsg_to_outside,
    "gethostbyaddr": lambda: socket.gethostbyaddr("192.0.2.1"),
    "getnameinfo": lambda: socket.getnameinfo(("192.0.2.1", 80), 0),
    "getnameinfo_v6": lambda: socket.getnameinfo(("2001:db8::1", 80), 0),
    "c_level_connect": c_level_connect,
    "c_level_connect_ex": c_level_connect_ex,
    "c_level_getaddrinfo": c_level_getaddrinfo,
}
