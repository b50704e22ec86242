"""The fake network: documented ports mapped onto real loopback ports, and a guard.

A snippet keeps the readable address a reader would type (``('localhost', 8080)``).
While it runs, :func:`mapped` rewrites the *port* of every ``connect`` /
``connect_ex`` from the documented number to the real ephemeral port of a
situation (see ``tests/situations.py``). The host is never rewritten, so a
snippet that connects to another loopback address or family still meets the
real kernel behaviour.

The same patch is the guard: a connection, datagram or name lookup aimed at
anything but loopback is refused with :class:`NonLoopbackError` and recorded,
and the test fails even if the snippet caught the error. Names under
``.invalid`` (RFC 6761: they never resolve) get the resolver's answer
without a query leaving the machine.

Behind the patch, an audit hook (``sys.addaudithook``) sees what goes around
it: the C methods called directly (``_socket.socket(...).connect``),
``sendmsg``, and the reverse lookups ``gethostbyaddr`` and ``getnameinfo``.
It refuses the same way, before the system call. An audit hook cannot be
removed, so it is installed once and consults :data:`NETWORK` only while a
guard is active. C code that calls libc's ``connect()`` itself (libpq) raises
no audit event: such snippets run in a namespace with nothing but loopback
(``test_network.py``, with ``tests/lab.py``).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
from collections.abc import Iterator, Mapping
from typing import Any


class NonLoopbackError(Exception):
    """Raised (and recorded) when code under test reaches beyond loopback.

    Deliberately not an ``OSError``: a snippet's ``except OSError`` must not
    swallow it.
    """


def is_loopback(host: Any) -> bool:
    if host in ("localhost", "", None):
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


class Network:
    """What the patched socket functions consult while a test runs."""

    def __init__(self) -> None:
        self.ports: dict[int, int] = {}  # documented port -> real port
        self.hosts: dict[str, tuple[str, ...]] = {}  # name -> loopback addresses
        self.violations: list[str] = []
        self.active = False  # consulted by the audit hook

    def fail(self, message: str) -> None:
        self.violations.append(message)
        raise NonLoopbackError(message)

    def address(self, sock: socket.socket, address: Any) -> Any:
        """``address`` with its documented port mapped; non-loopback fails."""
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return address  # Unix sockets and the like
        if isinstance(address, tuple) and len(address) >= 2:
            host, port, *rest = address
            address = (host, self.ports.get(port, port), *rest)
            if not is_loopback(host):
                self.fail(f"connection to non-loopback address {address!r}")
        return address

    def destination(self, sock: Any, address: Any, what: str) -> None:
        """Fail a connection or datagram to a non-loopback address, unmapped."""
        if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
            return
        if isinstance(address, tuple) and address and not is_loopback(address[0]):
            self.fail(f"{what} to non-loopback address {address!r}")

    def reverse_lookup(self, host: Any) -> None:
        """Fail the reverse lookup of an address (or name) off loopback."""
        name = host.decode(errors="replace") if isinstance(host, bytes) else host
        if not is_loopback(name) and name not in self.hosts:
            self.fail(f"reverse lookup of non-loopback address {host!r}")

    def lookup(self, host: Any) -> tuple[str, ...] | None:
        """Loopback addresses a name resolves to here (None: the real resolver)."""
        name = host.decode(errors="replace") if isinstance(host, bytes) else host
        if name in self.hosts:
            return self.hosts[name]
        if isinstance(name, str) and name.rstrip(".").endswith(".invalid"):
            # As glibc answers NXDOMAIN, without sending the query.
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if not is_loopback(name):
            self.fail(f"name lookup of non-loopback host {host!r}")
        return None


NETWORK = Network()
REAL = {
    "connect": socket.socket.connect,
    "connect_ex": socket.socket.connect_ex,
    "sendto": socket.socket.sendto,
    "getaddrinfo": socket.getaddrinfo,
    "gethostbyname": socket.gethostbyname,
    "gethostbyname_ex": socket.gethostbyname_ex,
}


def _connect(self: socket.socket, address: Any) -> None:
    return REAL["connect"](self, NETWORK.address(self, address))


def _connect_ex(self: socket.socket, address: Any) -> int:
    return REAL["connect_ex"](self, NETWORK.address(self, address))


def _sendto(self: socket.socket, data: Any, *args: Any) -> int:
    # sendto(data, address) or sendto(data, flags, address)
    *flags, address = args
    return REAL["sendto"](self, data, *flags, NETWORK.address(self, address))


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    addresses = NETWORK.lookup(host)
    if addresses is None:
        return REAL["getaddrinfo"](host, *args, **kwargs)
    results = []
    for address in addresses:  # in order, as a hosts file lists them
        with contextlib.suppress(socket.gaierror):  # family filtered out
            results.extend(REAL["getaddrinfo"](address, *args, **kwargs))
    if not results:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return results


def _gethostbyname(host: str) -> str:
    addresses = NETWORK.lookup(host)
    v4 = [a for a in addresses or () if ":" not in a]
    return v4[0] if v4 else REAL["gethostbyname"](host)


def _gethostbyname_ex(host: str) -> Any:
    NETWORK.lookup(host)
    return REAL["gethostbyname_ex"](host)


# Audit events (https://docs.python.org/3/library/audit_events.html) -> the
# check of their arguments. The patched functions above end in these same C
# calls with loopback arguments, so they pass here.
AUDITED: dict[str, Any] = {
    "socket.connect": lambda sock, address: NETWORK.destination(
        sock, address, "connection"
    ),
    "socket.sendto": lambda sock, address: NETWORK.destination(
        sock, address, "datagram"
    ),
    "socket.sendmsg": lambda sock, address: NETWORK.destination(
        sock, address, "sendmsg"
    ),
    "socket.getaddrinfo": lambda host, *rest: NETWORK.lookup(host),
    "socket.gethostbyname": lambda host: NETWORK.lookup(host),
    "socket.gethostbyaddr": lambda host: NETWORK.reverse_lookup(host),
    "socket.getnameinfo": lambda sockaddr: NETWORK.reverse_lookup(sockaddr[0]),
}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if NETWORK.active and event in AUDITED:
        AUDITED[event](*args)


_hook_installed = False


def _install_audit_hook() -> None:
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True


PATCHES = {
    (socket.socket, "connect"): _connect,
    (socket.socket, "connect_ex"): _connect_ex,
    (socket.socket, "sendto"): _sendto,
    (socket, "getaddrinfo"): _getaddrinfo,
    (socket, "gethostbyname"): _gethostbyname,
    (socket, "gethostbyname_ex"): _gethostbyname_ex,
}


@contextlib.contextmanager
def guarded() -> Iterator[Network]:
    """Install the guard for the duration of a test; yield its state."""
    _install_audit_hook()
    for (owner, name), function in PATCHES.items():
        setattr(owner, name, function)
    NETWORK.__init__()  # type: ignore[misc]
    NETWORK.active = True
    try:
        yield NETWORK
    finally:
        NETWORK.active = False
        for owner, name in PATCHES:
            setattr(owner, name, REAL[name])
        NETWORK.ports.clear()
        NETWORK.hosts.clear()


@contextlib.contextmanager
def mapped(
    ports: Mapping[int, int], hosts: Mapping[str, tuple[str, ...]] | None = None
) -> Iterator[None]:
    """Map documented ports onto real ones (and names onto loopback addresses)."""
    NETWORK.ports.update(ports)
    NETWORK.hosts.update(hosts or {})
    try:
        yield
    finally:
        for documented in ports:
            NETWORK.ports.pop(documented, None)
        NETWORK.hosts.clear()
