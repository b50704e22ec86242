import socket
import time
from collections.abc import Iterator

import pytest


@pytest.fixture
def refused_port() -> Iterator[int]:
    """Uma porta que recusa conexões durante todo o teste."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))  # porta reservada, sem listen(): o kernel recusa
        yield s.getsockname()[1]


def service_status(port: int) -> str:
    """O código sob teste: deve tratar a recusa, não quebrar."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return "no ar"
    except ConnectionRefusedError:
        return "fora do ar"


def test_reports_service_down(refused_port: int) -> None:
    assert service_status(refused_port) == "fora do ar"


def test_refusal_does_not_wait_for_the_timeout(refused_port: int) -> None:
    start = time.monotonic()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", refused_port), timeout=30)
    # Microssegundos no Linux e no macOS, uns 2 s no Windows: nunca os 30 s.
    assert time.monotonic() - start < 10
