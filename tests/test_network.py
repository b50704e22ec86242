"""The fake network itself: situations behave as named, the guard holds."""

from __future__ import annotations

import _socket
import socket
import sys
import threading
from typing import Any

import pytest

from tests import lab, situations
from tests.network import NonLoopbackError, guarded
from tests.offenders import (
    BLIND_SPOTS,
    connect_ex_to_outside,
    tcp_to_outside,
    udp_to_outside,
)
from tests.runner import documented_output, situations_behind
from tests.scenarios import SCENARIOS, Run, Scenario
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


@needs_ipv6
def test_fixed_port_is_free_again_right_after_a_server_closed_on_it() -> None:
    """``v4_closes_5432`` closes first, so 127.0.0.1:5432 is in TIME_WAIT for
    60 s: the next run that holds 5432 (another worker's, a second later)
    must still get its refusal, not a skip."""
    with (
        SITUATIONS["v4_closes_5432"].start() as port,
        socket.create_connection((LOOPBACK_V4, port), timeout=1) as conn,
    ):
        assert conn.recv(1) == b""  # the server closed first
    for name in ("refused_5432", "v4_closes_5432"):
        try:
            with SITUATIONS[name].start() as port:
                assert outcome(LOOPBACK_V6, port) == "refused"
        except pytest.skip.Exception as exc:
            pytest.fail(f"{name} was skipped right after a run on its port: {exc}")


def test_runs_on_the_same_fixed_port_take_turns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two runs that need port 5432 at once (two xdist workers) wait for each
    other; one that waits too long fails with the reason, never skips."""
    monkeypatch.setattr(situations, "PORT_WAIT_SECONDS", 0.3)
    failures: list[str] = []

    def second_run() -> None:
        try:
            with SITUATIONS["refused_5432"].start():
                failures.append("entered while the port was held")
        except pytest.fail.Exception as exc:
            failures.append(str(exc))
        except pytest.skip.Exception as exc:
            failures.append(f"skipped: {exc}")

    with SITUATIONS["refused_5432"].start() as port:
        waiter = threading.Thread(target=second_run)
        waiter.start()
        waiter.join(5)
        assert outcome(LOOPBACK_V4, port) == "refused"
    assert len(failures) == 1
    assert "another test kept it for more than 0.3 s" in failures[0]
    with SITUATIONS["refused_5432"].start() as port:  # free again once released
        assert outcome(LOOPBACK_V4, port) == "refused"


def test_hosts_override_orders_addresses() -> None:
    with situations_behind(Run(hosts={"localhost": (LOOPBACK_V6, LOOPBACK_V4)})):
        infos = socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)
    assert [info[4][0] for info in infos] == [LOOPBACK_V6, LOOPBACK_V4]


def test_invalid_names_fail_like_the_resolver() -> None:
    with pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("nada.invalid", 80)
    assert info.value.errno == socket.EAI_NONAME


# Runs one blind spot under the guard, as the suite runs a snippet, and
# prints how many violations were recorded.
GUARDED_OFFENDER = """
import contextlib, sys
from tests.network import guarded
from tests.offenders import BLIND_SPOTS
with guarded() as network:
    with contextlib.suppress(Exception):  # the snippet hides the error
        BLIND_SPOTS[sys.argv[1]]()
print("violations", len(network.violations))
"""


@pytest.mark.lab
@pytest.mark.parametrize("name", BLIND_SPOTS)
def test_guard_records_what_goes_around_the_patch(name: str) -> None:
    """The offending code swallows every error, as a careless snippet would:
    the guard still records it, so the test around it fails, and nothing was
    sent. Run where nothing but loopback exists (should the guard ever miss
    it, the attempt cannot leave the machine, and the trap counts it)."""
    lab.require()
    result = lab.run("loopback_only", [sys.executable, "-c", GUARDED_OFFENDER, name])
    assert result.output.splitlines()[-1:] == ["violations 1"], result.output
    assert lab.escaped_packets(result) == 0, "refused before the system call"


# --------------------------------------------------------------------------
# C clients: libpq calls libc's connect() itself, which no Python hook sees.
# Their snippets run where nothing but loopback exists, and a trap counts any
# packet sent elsewhere.
# --------------------------------------------------------------------------

# What in a snippet means a client in C (libpq), by psycopg2, psycopg or
# Django's PostgreSQL backend.
C_CLIENT_MARKERS = ("psycopg", "django.db.backends.postgresql")


def c_client_runs() -> list[Any]:
    runs = []
    for scenario in SCENARIOS:
        text = scenario.path.read_text(encoding="utf-8")
        if not any(marker in text for marker in C_CLIENT_MARKERS):
            continue
        named = [("main", scenario.main), *scenario.variants.items()]
        for name, run in named:
            # A run against a live server (accepts, then closes) needs that
            # server inside the namespace: it stays an in-process run only.
            refusing = run is not None and all(
                SITUATIONS[situation].refuses for situation in run.ports.values()
            )
            if refusing and run.lab is None:
                runs.append(
                    pytest.param(scenario, name, run, id=f"{scenario.snippet}:{name}")
                )
    return runs


def lab_setup_for(run: Run) -> str:
    if len(run.hosts.get("localhost", ())) > 1:
        return "loopback_only_dual_localhost"
    return "loopback_only"


@pytest.mark.lab
@pytest.mark.parametrize(("scenario", "name", "run"), c_client_runs())
def test_c_client_snippets_run_with_nothing_but_loopback(
    scenario: Scenario, name: str, run: Run
) -> None:
    """The recorded output again, at the literal port (nothing listens in a
    fresh namespace: a real refusal), and no packet sent off loopback."""
    lab.require()
    documented = {port: port for port in run.ports}
    env = {key: value.format(port=documented) for key, value in run.env.items()}
    argv = [sys.executable, "-W", "error::ResourceWarning", str(scenario.path)]
    result = lab.run(lab_setup_for(run), [*argv, *run.argv], env=env)
    assert lab.escaped_packets(result) == 0, result.output
    assert result.returncode == run.exit_code, result.output
    if name == "main":
        assert result.output.strip() == documented_output(scenario.path), result.output
    else:
        recorded = scenario.output_path(name).read_text(encoding="utf-8")
        assert result.output == recorded


def test_c_clients_are_found() -> None:
    """The list above is not empty by accident (a renamed marker)."""
    found = {param.values[0].snippet for param in c_client_runs()}
    assert {"servicos/psycopg2_recusa.py", "bibliotecas/psycopg_recusa.py"} <= found


# Deliberate breakages in C: libpq trying a documentation address, or a name
# that needs DNS; each hides its error, as a careless snippet would.
C_OFFENDERS = {
    "libpq_connect": "psycopg2.connect(host='192.0.2.10', port=5432, user='app', "
    "dbname='app', connect_timeout=2)",
    "libpq_dns": "psycopg2.connect(host='db.example.com', port=5432, user='app', "
    "dbname='app', connect_timeout=2)",
}


@pytest.mark.lab
@pytest.mark.parametrize("name", C_OFFENDERS)
def test_the_trap_catches_a_c_client_leaving(name: str) -> None:
    lab.require()
    program = (
        "import contextlib\nimport psycopg2\n"
        f"with contextlib.suppress(psycopg2.Error):\n    {C_OFFENDERS[name]}\n"
        "print('nada a ver aqui')\n"
    )
    result = lab.run("loopback_only", [sys.executable, "-c", program])
    assert result.output == "nada a ver aqui\n", "the error was hidden"
    assert lab.escaped_packets(result) > 0, "the attempt was counted"


def test_the_audit_hook_rests_between_tests() -> None:
    """Outside a guard (the hook cannot be removed), it refuses nothing."""
    with guarded():
        pass
    assert socket.getnameinfo(("127.0.0.1", 80), socket.NI_NUMERICHOST)[0] == (
        "127.0.0.1"
    )


@pytest.mark.parametrize(
    "action",
    [
        tcp_to_outside,
        connect_ex_to_outside,
        udp_to_outside,
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
            if hasattr(sock, "sendmsg"):  # not on Windows
                sock.sendmsg([b"x"], [], 0, ("127.0.0.1", 9))
        numeric = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
        assert socket.getnameinfo(("127.0.0.1", 80), numeric) == ("127.0.0.1", "80")
        raw = _socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            raw.connect(("127.0.0.1", 9))
        finally:
            raw.close()
        assert network.violations == []


# Listening only later (or with a full queue): their own tests check them.
STARTS_REFUSING = ("late", "http_late", "backlog_full")


def first_answer(host: str, port: int) -> str:
    """What a client that connects and writes a line reads first: "refused",
    "nothing" (end of stream, reset or 0.3 s of silence) or "bytes"."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.3)
        try:
            sock.connect((host, port))
            sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
            return "bytes" if sock.recv(1) else "nothing"
        except ConnectionRefusedError:
            return "refused"
        except (TimeoutError, ConnectionResetError):
            return "nothing"


@pytest.mark.parametrize("name", SITUATIONS)
def test_situation_starts_and_stops_cleanly(name: str) -> None:
    """Each situation yields a real loopback port and does what its entry says.

    ``refuses``: a TCP connect is refused. ``speaks=None``: nothing answers, no
    byte ever comes back. A protocol: its server sends or answers something.
    (TCP only: the UDP situations have their own snippet's proof.)
    """
    situation = SITUATIONS[name]
    assert situation.summary, f"{name}: give the function a one-line docstring"
    if name in ("refused_both", "v6_only", "v4_only") and not ipv6_available():
        pytest.skip("::1 unavailable here")
    udp = name.startswith("udp")
    host = LOOPBACK_V6 if name == "v6_only" else LOOPBACK_V4
    with situation.start() as port:
        assert 0 < port < 65536
        if udp:
            return
        answer = first_answer(host, port)
        if situation.refuses:
            assert answer == "refused"
        elif situation.speaks is None:
            assert answer in ("nothing", "refused" if name in STARTS_REFUSING else "")
        elif name not in STARTS_REFUSING:
            assert answer == "bytes", f"{name} speaks {situation.speaks}: no answer"


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "HEAD"])
def test_the_http_situation_answers_any_method(method: str) -> None:
    """An XML-RPC or REST client meets a server, not a 501 for its method."""
    import http.client

    with SITUATIONS["http"].start() as port:
        connection = http.client.HTTPConnection(LOOPBACK_V4, port, timeout=2)
        try:
            connection.request(method, "/", body=b"<x/>" if method == "POST" else None)
            response = connection.getresponse()
            assert (response.status, response.read()) == (
                200,
                b"" if method == "HEAD" else b"ok\n",
            )
        finally:
            connection.close()


@pytest.mark.skipif(sys.platform != "linux", reason="Linux's close() with unread data")
def test_closing_with_unread_bytes_resets_the_connection() -> None:
    """What CONTRIBUTING.md tells a situation's author: a server that reads
    one byte of a request and closes sends RST, not an orderly end."""
    with socket.socket() as server:
        server.bind((LOOPBACK_V4, 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            conn, _ = server.accept()
            with conn:
                conn.settimeout(2)
                conn.recv(1)
            with pytest.raises(ConnectionResetError):
                client.recv(1)
