"""The fake network itself: situations behave as named, the guard holds."""

from __future__ import annotations

import socket

import pytest

from tests.network import NonLoopbackError, guarded
from tests.runner import situations_behind
from tests.scenarios import Run
from tests.situations import LOOPBACK_V4, LOOPBACK_V6, SITUATIONS, ipv6_available

needs_ipv6 = pytest.mark.skipif(not ipv6_available(), reason="::1 unavailable here")


def outcome(host: str, port: int) -> str:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        try:
            sock.connect((host, port))
        except ConnectionRefusedError:
            return "refused"
    return "connected"


@pytest.mark.parametrize(
    ("name", "expected"), [("refused", "refused"), ("listening", "connected")]
)
def test_documented_port_reaches_the_situation(name: str, expected: str) -> None:
    with situations_behind(Run(ports={8080: name})):
        assert outcome(LOOPBACK_V4, 8080) == expected


@needs_ipv6
@pytest.mark.parametrize(
    ("name", "v4", "v6"),
    [
        ("refused_both", "refused", "refused"),
        ("v6_only", "refused", "connected"),
        ("v4_only", "connected", "refused"),
    ],
)
def test_dual_stack_situations(name: str, v4: str, v6: str) -> None:
    with situations_behind(Run(ports={8080: name})):
        assert (outcome(LOOPBACK_V4, 8080), outcome(LOOPBACK_V6, 8080)) == (v4, v6)


def test_hosts_override_orders_addresses() -> None:
    with situations_behind(Run(hosts={"localhost": (LOOPBACK_V6, LOOPBACK_V4)})):
        infos = socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)
    assert [info[4][0] for info in infos] == [LOOPBACK_V6, LOOPBACK_V4]


def test_invalid_names_fail_like_the_resolver() -> None:
    with pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("nada.invalid", 80)
    assert info.value.errno == socket.EAI_NONAME


def _udp_to_outside() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"x", ("192.0.2.1", 53))  # TEST-NET-1: never routed


def _tcp_to_outside() -> None:
    with socket.socket() as sock:
        sock.connect(("192.0.2.1", 80))


def _connect_ex_to_outside() -> None:
    with socket.socket() as sock:
        sock.connect_ex(("192.0.2.1", 80))


@pytest.mark.parametrize(
    "action",
    [
        _tcp_to_outside,
        _connect_ex_to_outside,
        _udp_to_outside,
        lambda: socket.getaddrinfo("example.com", 80),
        lambda: socket.gethostbyname("example.com"),
        lambda: socket.gethostbyname_ex("example.com"),
        lambda: socket.create_connection(("192.0.2.1", 80), timeout=0.1),
    ],
    ids=[
        "connect",
        "connect_ex",
        "sendto",
        "getaddrinfo",
        "gethostbyname",
        "gethostbyname_ex",
        "create_connection",
    ],
)
def test_guard_refuses_and_records_non_loopback(action) -> None:
    with guarded() as network:
        with pytest.raises(NonLoopbackError):
            action()
        assert len(network.violations) == 1
        network.violations.clear()


def test_guard_lets_loopback_through() -> None:
    with guarded() as network:
        assert socket.gethostbyname("localhost").startswith("127.")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(b"x", ("127.0.0.1", 9))
        assert network.violations == []


# Listening only later (or with a full queue): their own tests check them.
STARTS_REFUSING = ("late", "http_late", "backlog_full")


@pytest.mark.parametrize("name", SITUATIONS)
def test_situation_starts_and_stops_cleanly(name: str) -> None:
    """Each situation yields a real loopback port and answers as it says.

    ``speaks=None`` means nothing answers: a TCP connect is refused (UDP
    situations excepted). Anything else completes the TCP handshake.
    """
    situation = SITUATIONS[name]
    assert situation.summary, f"{name}: give the function a one-line docstring"
    if name in ("refused_both", "v6_only", "v4_only") and not ipv6_available():
        pytest.skip("::1 unavailable here")
    udp = name.startswith("udp")
    host = LOOPBACK_V6 if name == "v6_only" else LOOPBACK_V4
    with situation.start() as port:
        assert 0 < port < 65536
        if situation.speaks is None and not udp:
            assert outcome(host, port) == "refused"
        elif not udp and name not in STARTS_REFUSING:  # tested elsewhere
            assert outcome(host, port) == "connected"
