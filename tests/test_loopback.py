"""The harness itself: situations behave as named, the guard holds."""

from __future__ import annotations

import socket

import pytest

from tests.loopback import (
    LOOPBACK_V4,
    LOOPBACK_V6,
    NonLoopbackError,
    guarded_network,
    ipv6_available,
    mapped_ports,
)

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
    with mapped_ports({8080: name}):
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
    with mapped_ports({8080: name}):
        assert (outcome(LOOPBACK_V4, 8080), outcome(LOOPBACK_V6, 8080)) == (v4, v6)


def test_hosts_override_orders_addresses() -> None:
    with mapped_ports({}, {"localhost": (LOOPBACK_V6, LOOPBACK_V4)}):
        infos = socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)
    assert [info[4][0] for info in infos] == [LOOPBACK_V6, LOOPBACK_V4]


def test_invalid_names_fail_like_the_resolver() -> None:
    with pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("nada.invalid", 80)
    assert info.value.errno == socket.EAI_NONAME


def test_guard_refuses_and_records_non_loopback() -> None:
    with guarded_network() as network:
        with socket.socket() as sock, pytest.raises(NonLoopbackError):
            sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed
        with pytest.raises(NonLoopbackError):
            socket.getaddrinfo("example.com", 80)
        assert len(network.violations) == 2
        network.violations.clear()
