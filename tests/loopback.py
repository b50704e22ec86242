"""Loopback situations and the address mapping that points snippets at them.

A snippet keeps the readable address a reader would type (``('localhost', 8080)``).
While it runs, :func:`mapped_ports` rewrites the *port* of every ``connect`` /
``connect_ex`` call from the documented number to the real ephemeral port of a
situation prepared on loopback. The host is never rewritten, so a snippet that
connects to another loopback address or another family still exercises the
real kernel behaviour.

The same patch is the network guard: a connection to anything that is not
loopback, or a name lookup of anything other than ``localhost``, an IP literal
or a name under ``.invalid`` (RFC 6761: never resolves), is refused and recorded
as a violation that fails the test.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

LOOPBACK_V4 = "127.0.0.1"
LOOPBACK_V6 = "::1"


class NonLoopbackError(Exception):
    """Raised (and recorded) when code under test reaches beyond loopback.

    Deliberately not an ``OSError``: a snippet's ``except OSError`` must not
    swallow it.
    """


# --------------------------------------------------------------------------
# Situations: each is a context manager factory that yields a real port.
# They live in tests/situations/, one module per area.
# --------------------------------------------------------------------------

Situation = Callable[[], contextlib.AbstractContextManager[int]]
SITUATIONS: dict[str, Situation] = {}


def situation(name: str) -> Callable[[Situation], Situation]:
    """Register a loopback situation under ``name`` (used by scenarios)."""

    def register(factory: Situation) -> Situation:
        if name in SITUATIONS:
            raise ValueError(f"situation {name!r} registered twice")
        SITUATIONS[name] = factory
        return factory

    return register


def ipv6_available() -> bool:
    """Whether a socket can be bound to ``::1`` on this machine."""
    if not socket.has_ipv6:
        return False
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

    ``sock`` gets a short timeout so the thread notices the end quickly; a
    timeout inside ``step`` just loops, any other ``OSError`` (the socket was
    closed) ends the thread.
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


# --------------------------------------------------------------------------
# The mapping and the guard.
# --------------------------------------------------------------------------


class _Network:
    """State shared by the patched socket methods."""

    def __init__(self) -> None:
        self.ports: dict[int, int] = {}
        self.hosts: dict[str, tuple[str, ...]] = {}
        self.violations: list[str] = []

    def map_address(self, address: Any) -> Any:
        if isinstance(address, tuple) and len(address) >= 2:
            host, port, *rest = address
            if port in self.ports:
                address = (host, self.ports[port], *rest)
            self.check_host(host, address)
        return address

    def check_host(self, host: Any, address: Any) -> None:
        if not _is_loopback(host):
            self.fail(f"connection to non-loopback address {address!r}")

    def fail(self, message: str) -> None:
        self.violations.append(message)
        raise NonLoopbackError(message)


def _is_loopback(host: Any) -> bool:
    if host in ("localhost", "", None):
        return True
    if isinstance(host, bytes):
        host = host.decode()
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


NETWORK = _Network()
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _connect(self: socket.socket, address: Any) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        address = NETWORK.map_address(address)
    return _real_connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        address = NETWORK.map_address(address)
    return _real_connect_ex(self, address)


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else host
    if name in NETWORK.hosts:
        return _resolve_as(NETWORK.hosts[name], *args, **kwargs)
    if isinstance(name, str) and name.rstrip(".").endswith(".invalid"):
        # RFC 6761 reserves .invalid: every resolver answers NXDOMAIN. Answer
        # it here, as glibc does, instead of sending a query off the machine.
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    if not _is_loopback(name):
        NETWORK.fail(f"name lookup of non-loopback host {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _resolve_as(addresses: tuple[str, ...], *args: Any, **kwargs: Any) -> Any:
    """What a resolver whose hosts file lists ``addresses`` (in order) answers."""
    results = []
    for address in addresses:
        with contextlib.suppress(socket.gaierror):  # family filtered out
            results.extend(_real_getaddrinfo(address, *args, **kwargs))
    if not results:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return results


@contextlib.contextmanager
def guarded_network() -> Iterator[_Network]:
    """Install the guard for the duration of a test; yield its state."""
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo
    NETWORK.ports.clear()
    NETWORK.hosts.clear()
    NETWORK.violations.clear()
    try:
        yield NETWORK
    finally:
        socket.socket.connect = _real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = _real_getaddrinfo
        NETWORK.ports.clear()
        NETWORK.hosts.clear()


@contextlib.contextmanager
def mapped_ports(
    situations: Mapping[int, str],
    hosts: Mapping[str, tuple[str, ...]] | None = None,
) -> Iterator[dict[int, int]]:
    """Prepare each documented port's situation and map it onto the real port.

    ``hosts`` makes names resolve to the given loopback addresses, in order
    (e.g. ``localhost`` -> ``::1``, ``127.0.0.1`` as on many distributions),
    whatever this machine's hosts file says.

    Yields the mapping ``documented port -> real port``.
    """
    import tests.situations  # noqa: F401  (registers every situation)

    with contextlib.ExitStack() as stack:
        real = {
            documented: stack.enter_context(SITUATIONS[name]())
            for documented, name in situations.items()
        }
        NETWORK.ports.update(real)
        NETWORK.hosts.update(hosts or {})
        try:
            yield real
        finally:
            for documented in real:
                NETWORK.ports.pop(documented, None)
            NETWORK.hosts.clear()
