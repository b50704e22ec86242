"""What the Reference page says about the recipes, beyond ``test_recipes.py``:
deadlines that hold, what is *not* a refusal, and who refused (a proxy)."""

from __future__ import annotations

import errno
import os
import socket
import sys
import time
import urllib.request
from collections.abc import Callable

import psycopg
import pytest
import requests

from recipes import connect_with_retry, is_connection_refused, proxy_for, wait_for_port
from tests.situations import LOOPBACK_V4

PortIn = Callable[[str], int]
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def proxy_env(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Set the proxy variables (both spellings) to exactly the given values."""

    def set_env(**values: str) -> None:
        for name in PROXY_VARIABLES:
            monkeypatch.delenv(name, raising=False)
            monkeypatch.delenv(name.lower(), raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name, value)
            if os.name != "nt":  # one variable, case-insensitive, on Windows
                monkeypatch.setenv(name.lower(), value)

    return set_env


def caught(action: Callable[[], object]) -> BaseException:
    try:
        action()
    except BaseException as exc:  # noqa: BLE001 - any exception is the subject
        return exc
    pytest.fail("no exception raised")


@pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="a full accept queue drops SYNs (a timeout) on Linux only",
)
def test_connect_with_retry_caps_each_attempt_by_the_time_left(
    port_in: PortIn,
) -> None:
    port = port_in("backlog_full")
    start = time.monotonic()
    exc = caught(
        lambda: connect_with_retry(
            (LOOPBACK_V4, port),
            timeout=2.0,
            deadline=0.5,
            retry_on=(ConnectionRefusedError, TimeoutError),
        )
    )
    assert isinstance(exc, TimeoutError)
    assert time.monotonic() - start < 0.8  # not 2.0 s: one attempt, capped


def test_wait_for_port_timeout_is_not_a_refusal(port_in: PortIn) -> None:
    exc = caught(lambda: wait_for_port(LOOPBACK_V4, port_in("refused"), timeout=0.1))
    assert isinstance(exc, TimeoutError)
    assert isinstance(exc.__cause__, ConnectionRefusedError)  # kept for logs
    assert not is_connection_refused(exc)


def test_address_not_available_alone_is_not_a_refusal() -> None:
    with socket.socket() as sock:
        exc = caught(lambda: sock.bind(("192.0.2.1", 0)))  # not an address here
    assert isinstance(exc, OSError)
    assert exc.errno == errno.EADDRNOTAVAIL
    assert not is_connection_refused(exc)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="ExceptionGroup is 3.11+")
def test_unusable_address_does_not_undo_the_others_refusal() -> None:
    unusable = OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address")
    group = ExceptionGroup("x", [unusable, ConnectionRefusedError()])  # noqa: F821
    assert is_connection_refused(group)
    assert not is_connection_refused(ExceptionGroup("x", [unusable]))  # noqa: F821


def test_unusable_address_in_asyncio_message_is_ignored() -> None:
    def combined(*codes: int) -> OSError:
        parts = ", ".join(f"[Errno {code}] Connect call failed" for code in codes)
        return OSError(f"Multiple exceptions: {parts}")

    assert is_connection_refused(combined(errno.EADDRNOTAVAIL, errno.ECONNREFUSED))
    assert not is_connection_refused(combined(errno.EADDRNOTAVAIL))
    assert not is_connection_refused(combined(errno.ETIMEDOUT, errno.ECONNREFUSED))


def test_psycopg_refusal_is_not_recognised(port_in: PortIn) -> None:
    """libpq connects in C and leaves no chain: the page says the recipe
    does not see the refusal there (only libpq's message text does)."""
    port = port_in("refused")
    dsn = f"postgresql://app@{LOOPBACK_V4}:{port}/app"
    exc = caught(lambda: psycopg.connect(dsn, connect_timeout=2))
    assert isinstance(exc, psycopg.OperationalError)
    assert exc.__cause__ is None
    assert not is_connection_refused(exc)


def test_proxy_for_follows_the_environment_rules(proxy_env) -> None:
    proxy_env(HTTP_PROXY="http://127.0.0.1:3128")
    assert proxy_for("http://127.0.0.1:8000/") == "http://127.0.0.1:3128"
    assert proxy_for("https://127.0.0.1:8000/") is None  # HTTP_PROXY is http only
    proxy_env(HTTPS_PROXY="http://127.0.0.1:3129")
    assert proxy_for("https://127.0.0.1:8000/") == "http://127.0.0.1:3129"
    proxy_env(HTTP_PROXY="http://127.0.0.1:3128", NO_PROXY="127.0.0.1")
    assert proxy_for("http://127.0.0.1:8000/") is None


def test_proxy_for_sees_all_proxy_unless_told_not_to(proxy_env) -> None:
    proxy_env(ALL_PROXY="http://127.0.0.1:3128")
    assert proxy_for("http://127.0.0.1:8000/") == "http://127.0.0.1:3128"
    assert proxy_for("http://127.0.0.1:8000/", all_proxy=False) is None


def test_urllib_ignores_all_proxy(port_in: PortIn, proxy_env) -> None:
    """Why the urllib example passes ``all_proxy=False``."""
    server, proxy = port_in("http"), port_in("refused")
    proxy_env(ALL_PROXY=f"http://{LOOPBACK_V4}:{proxy}")
    opener = urllib.request.build_opener()  # reads the environment now
    with opener.open(f"http://{LOOPBACK_V4}:{server}/", timeout=2) as response:
        assert response.status == 200
    assert requests_status_or_error(f"http://{LOOPBACK_V4}:{server}/") == "ProxyError"


def requests_status_or_error(url: str) -> str:
    try:
        return str(requests.get(url, timeout=2).status_code)
    except requests.exceptions.RequestException as exc:
        return type(exc).__name__


def test_refusal_by_a_dead_proxy_is_told_apart(port_in: PortIn, proxy_env) -> None:
    server, proxy = port_in("http"), port_in("refused")
    url = f"http://{LOOPBACK_V4}:{server}/"
    proxy_env(HTTP_PROXY=f"http://{LOOPBACK_V4}:{proxy}")
    exc = caught(lambda: requests.get(url, timeout=2))
    assert isinstance(exc, requests.exceptions.ProxyError)
    assert is_connection_refused(exc)  # a refusal...
    assert proxy_for(url) == f"http://{LOOPBACK_V4}:{proxy}"  # ...by the proxy
    proxy_env()  # no proxy at all: the same server answers
    assert requests.get(url, timeout=2).status_code == 200
    assert proxy_for(url) is None
