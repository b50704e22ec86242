"""The diagnosis command: every class of bad input, output failures, the
results loopback cannot produce (proven in the network lab), and the real
program in a subprocess. Its loopback outputs per outcome are scenario
variants (tests/scenarios/recipes.py); its lab outputs are recorded here in
snippets/saidas/lab/diagnostico.*.txt."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import diagnostico
import pytest
from pytest_examples import EvalExample

from tests import lab
from tests.runner import record_or_compare, run_snippet
from tests.scenarios import SCENARIOS
from tests.site import DOCS, SNIPPETS

PROGRAM = SNIPPETS / "diagnostico.py"
LAB_OUTPUTS = SNIPPETS / "saidas" / "lab"


def run_program(
    *argv: str | bytes, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    """The command as a shell runs it; bytes out, so nothing is decoded for it."""
    options: dict[str, object] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    options.update(kwargs)
    return subprocess.run(  # type: ignore[call-overload]
        [sys.executable, str(PROGRAM), *argv],
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
        timeout=10,
        check=False,
        **options,
    )


# --------------------------------------------------------------------------
# Bad input: a pt-BR message on stderr, exit 2, never a traceback.
# --------------------------------------------------------------------------

LONG_LABEL = "a" * 64
BAD_INPUT = {
    # argv -> part of the message
    "missing": ([], "informe o HOST e a PORTA"),
    "missing_port": (["localhost"], "informe o HOST e a PORTA"),
    "extra": (["localhost", "80", "90"], "argumentos demais: 90"),
    "empty_host": (["", "80"], "o HOST não pode ser vazio"),
    "unknown_option": (["localhost", "80", "--verbose"], "opção desconhecida"),
    # Hosts the IDNA codec rejects (UnicodeError, not gaierror).
    "label_over_63": ([LONG_LABEL + ".example", "80"], "não é um nome válido"),
    "only_a_dot": ([".", "80"], "não é um nome válido"),
    "empty_label": (["a..b", "80"], "não é um nome válido"),
    "long_unicode_label": (["ç" * 70, "80"], "não é um nome válido"),
    # Brackets: only around an IPv6 address, and without the port.
    "brackets_ipv4": (["[127.0.0.1]", "80"], "só cabe um endereço IPv6"),
    "brackets_name": (["[localhost]", "80"], "só cabe um endereço IPv6"),
    "brackets_with_port": (["[::1]:80", "80"], "a PORTA como outro argumento"),
    # Ports: ASCII digits only, then a range check.
    "port_name": (["localhost", "http"], "a PORTA deve ser um número"),
    "port_negative": (["localhost", "-1"], "a PORTA deve ser um número"),
    "port_superscript": (["localhost", "²"], "a PORTA deve ser um número"),
    "port_circled": (["localhost", "①"], "a PORTA deve ser um número"),
    "port_arabic_indic_80": (["localhost", "٨٠"], "a PORTA deve ser um número"),
    "port_fullwidth": (["localhost", "８０"], "a PORTA deve ser um número"),
    "port_zero": (["localhost", "0"], "entre 1 e 65535, não 0"),
    "port_too_big": (["localhost", "70000"], "entre 1 e 65535, não 70000"),
    "port_5000_digits": (["localhost", "9" * 5000], "entre 1 e 65535"),
    # Timeouts.
    "timeout_missing": (["localhost", "80", "--timeout"], "--timeout pede um número"),
    "timeout_word": (["localhost", "80", "--timeout", "x"], "--timeout pede um número"),
    "timeout_zero": (["localhost", "80", "--timeout=0"], "entre 0 e 60 segundos"),
    "timeout_nan": (["localhost", "80", "--timeout=nan"], "entre 0 e 60 segundos"),
    "timeout_inf": (["localhost", "80", "--timeout=inf"], "entre 0 e 60 segundos"),
    "timeout_arabic": (["localhost", "80", "--timeout=٠.٥"], "pede um número"),
}


def check_bad_input(code: int, out: str, err: str, message: str) -> None:
    assert (code, out) == (2, ""), err
    assert message in err
    assert err.startswith("erro: ")
    assert "uso: python diagnostico.py" in err
    assert "Traceback" not in err
    assert len(err) < 400, "a huge argument is echoed in full"


@pytest.mark.parametrize(("argv", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_exits_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every case through ``main()``, the program's whole body (a fresh
    interpreter per case cost more than the checks; the cases below run as
    the program)."""
    code = diagnostico.main(argv)
    out, err = capsys.readouterr()
    check_bad_input(code, out, err, message)


# As a shell runs it: a missing argument, a non-ASCII one, a huge one.
AS_A_PROGRAM = ["missing", "port_fullwidth", "port_5000_digits", "timeout_arabic"]


@pytest.mark.parametrize("case", AS_A_PROGRAM)
def test_bad_input_to_the_program_exits_2_with_a_message(case: str) -> None:
    argv, message = BAD_INPUT[case]
    result = run_program(*argv)
    check_bad_input(
        result.returncode, result.stdout.decode(), result.stderr.decode(), message
    )


@pytest.mark.parametrize(
    ("host", "shown"),
    [
        (b"\xff\xfe", "\\udcff\\udcfe"),  # not UTF-8: surrogateescape in argv
        (b"caf\xe9", "caf\\udce9"),  # Latin-1 bytes
        (b"a\x1b[31mb", "a\\x1b[31mb"),  # a terminal escape sequence
        (b"a\x07b", "a\\x07b"),  # BEL
        (b"a\nb", "a\\nb"),  # a newline would fake a second line
        (b"a\x7fb", "a\\x7fb"),  # DEL
    ],
)
def test_hostile_host_bytes_are_escaped_never_echoed(host: bytes, shown: str) -> None:
    result = run_program(host, b"80")
    err = result.stderr.decode("utf-8", errors="strict")
    assert result.returncode == 2, err
    assert shown in err
    raw = host.decode("utf-8", errors="ignore")
    assert err.count("\n") == 2, "the message and the usage line, nothing more"
    assert not any(ch in err.replace("\n", "") for ch in raw if not ch.isprintable())
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "host", "port"),
    [
        (["[::1]", "8080"], "::1", 8080),
        (["  localhost ", "8080"], "localhost", 8080),
        (["localhost", "0" * 5000 + "80"], "localhost", 80),
        (["xn--caf-dma.example", "443"], "xn--caf-dma.example", 443),
        (["café.example", "443"], "café.example", 443),
    ],
)
def test_good_input_is_read(argv: list[str], host: str, port: int) -> None:
    args = diagnostico.parse_args(argv)
    assert (args.host, args.port) == (host, port)


@pytest.mark.parametrize(
    ("argv", "as_json", "timeout"),
    [
        (["h", "1"], False, diagnostico.DEFAULT_TIMEOUT),
        (["h", "1", "--json"], True, diagnostico.DEFAULT_TIMEOUT),
        (["--timeout", "0.5", "h", "1"], False, 0.5),
        (["h", "--timeout=2", "1", "--json"], True, 2.0),
    ],
)
def test_options_are_read_anywhere(
    argv: list[str], as_json: bool, timeout: float
) -> None:
    args = diagnostico.parse_args(argv)
    assert (args.host, args.port, args.as_json, args.timeout) == (
        "h",
        1,
        as_json,
        timeout,
    )


# --------------------------------------------------------------------------
# Output: any encoding, closed pipes, full disks, internal errors.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "utf-8"])
@pytest.mark.parametrize("args", [["--ajuda"], ["--json"], []], ids=str)
def test_any_output_encoding_works(
    encoding: str, args: list[str], port_in: Callable[[str], int]
) -> None:
    argv = args if args == ["--ajuda"] else ["127.0.0.1", str(port_in("refused"))]
    result = run_program(*argv, *args, env={"PYTHONIOENCODING": encoding})
    assert result.returncode in (0, 1), result.stderr
    assert b"Traceback" not in result.stderr
    text = result.stdout.decode(encoding)
    if args == ["--json"]:
        assert json.loads(text)["resultado"] == "recusado"
    else:
        assert "Diagn" in text or "uso:" in text


def with_closed(stream: str, argv: list[str]) -> tuple[int, bytes]:
    """Run with ``stream`` ('stdout' or 'stderr') on a pipe closed at once;
    returns the exit status and what the other stream got."""
    with subprocess.Popen(
        [sys.executable, str(PROGRAM), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        getattr(process, stream).close()  # the reader is gone before any write
        other = process.stderr if stream == "stdout" else process.stdout
        assert other is not None
        rest = other.read()
        code = process.wait(timeout=10)
    return code, rest


@pytest.mark.parametrize(
    "make_argv",
    [
        lambda port: ["--ajuda"],
        lambda port: ["127.0.0.1", str(port)],
        lambda port: ["127.0.0.1", str(port), "--json"],
    ],
    ids=["help", "report", "json"],
)
def test_closed_pipe_ends_quietly_with_74(
    make_argv: Callable[[int], list[str]], port_in: Callable[[str], int]
) -> None:
    """``python diagnostico.py ... | head -c 10``: BrokenPipeError, no noise."""
    code, stderr = with_closed("stdout", make_argv(port_in("refused")))
    assert (code, stderr) == (diagnostico.EXIT_OUTPUT, b"")


@pytest.mark.parametrize(
    "argv", [["--ajuda"], ["127.0.0.1", "PORT"], ["127.0.0.1", "PORT", "--json"]]
)
def test_full_disk_ends_with_74_and_one_line(
    argv: list[str], port_in: Callable[[str], int]
) -> None:
    port = str(port_in("refused"))
    argv = [port if arg == "PORT" else arg for arg in argv]
    with open("/dev/full", "wb") as full:
        result = run_program(*argv, stdout=full)
    assert result.returncode == diagnostico.EXIT_OUTPUT
    assert result.stderr.decode() == "erro: não deu para escrever a saída (ENOSPC).\n"


def test_bad_input_with_a_closed_stderr_still_ends_with_74() -> None:
    code, stdout = with_closed("stderr", ["localhost", "x"])
    assert (code, stdout) == (diagnostico.EXIT_OUTPUT, b"")


# Closed descriptors (`>&-`) and signals sent by another process are POSIX's.
posix_only = pytest.mark.skipif(
    sys.platform == "win32", reason="no `>&-` nor kill(2) on Windows"
)


def closing(*fds: int) -> Callable[[], None]:
    """What the shell's ``>&-`` / ``2>&-`` do: the program starts without the
    descriptor, and Python sets ``sys.stdout``/``sys.stderr`` to None."""
    return lambda: [os.close(fd) for fd in fds]  # type: ignore[func-returns-value]


@posix_only
@pytest.mark.parametrize(
    ("closed", "make_argv", "code"),
    [
        ((1,), lambda port: ["--ajuda"], 0),
        ((1,), lambda port: ["127.0.0.1", str(port)], 1),
        ((1,), lambda port: ["127.0.0.1", str(port), "--json"], 1),
        ((1,), lambda port: ["127.0.0.1", "x"], 2),
        ((2,), lambda port: ["127.0.0.1", "x"], 2),
        ((2,), lambda port: ["127.0.0.1", str(port)], 1),
        ((1, 2), lambda port: ["127.0.0.1", "x"], 2),
        ((1, 2), lambda port: ["127.0.0.1", str(port)], 1),
    ],
    ids=[
        "stdout-help",
        "stdout-report",
        "stdout-json",
        "stdout-usage",
        "stderr-usage",
        "stderr-report",
        "both-usage",
        "both-report",
    ],
)
def test_a_closed_stream_keeps_the_exit_code(
    closed: tuple[int, ...],
    make_argv: Callable[[int], list[str]],
    code: int,
    port_in: Callable[[str], int],
) -> None:
    """``diagnostico.py 127.0.0.1 abc 2>&-`` is still a usage error (2), never
    "recusado" (1) nor "erro interno" (70); what is left open gets the text."""
    argv = make_argv(port_in("refused"))
    result = run_program(*argv, preexec_fn=closing(*closed))
    assert result.returncode == code, result
    out = (result.stdout + result.stderr).decode()
    assert "erro interno" not in out
    assert "Traceback" not in out
    if 1 in closed:
        assert result.stdout == b""
    if 2 in closed:
        assert result.stderr == b""
    if code == diagnostico.EXIT_USAGE and 2 not in closed:
        assert result.stderr.decode().startswith("erro: a PORTA deve ser")


@pytest.mark.parametrize(
    ("exception", "code", "message"),
    [
        ("RuntimeError('defeito')", diagnostico.EXIT_INTERNAL, "erro interno"),
        ("KeyError('x')", diagnostico.EXIT_INTERNAL, "erro interno (KeyError)"),
        ("ValueError('y')", diagnostico.EXIT_INTERNAL, "erro interno (ValueError)"),
        ("KeyboardInterrupt()", diagnostico.EXIT_INTERRUPTED, ""),
    ],
)
def test_an_internal_error_never_looks_like_a_verdict(
    exception: str, code: int, message: str
) -> None:
    """A bug in the command (here forced into diagnose) gets its own exit code."""
    driver = (
        f"import sys; sys.path.insert(0, {str(SNIPPETS)!r}); import diagnostico\n"
        f"def broken(*args):\n    raise {exception}\n"
        "diagnostico.diagnose = broken\n"
        "sys.exit(diagnostico.main(['127.0.0.1', '9']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", driver], capture_output=True, text=True, timeout=10
    )
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_exit_codes_are_distinct_and_listed_in_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    codes = list(diagnostico.EXIT_CODES.values())
    assert len(set(codes)) == len(codes)
    assert set(diagnostico.HINTS) <= set(diagnostico.EXIT_CODES)
    assert diagnostico.main(["--ajuda"]) == 0
    out = capsys.readouterr().out
    for name, code in diagnostico.EXIT_CODES.items():
        assert f"{code} {name}" in out


def page_exit_codes() -> list[tuple[int, str]]:
    """The rows of the exit-code table on the command's page: (code, name),
    the name being the "Resultado" cell without backticks, up to " (".
    """
    text = (DOCS / "diagnostico" / "comando.md").read_text(encoding="utf-8")
    section = text.partition("{ #codigos-de-saida }")[2].partition("\n## ")[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].isdigit():
            name = cells[1].replace("`", "").partition(" (")[0]
            rows.append((int(cells[0]), name))
    return rows


def test_the_page_lists_every_exit_code_in_order() -> None:
    """Row by row: a code changed, added or dropped in the program (or on the
    page) fails here."""
    code_table = [(code, name) for name, code in diagnostico.EXIT_CODES.items()]
    assert page_exit_codes() == sorted(code_table)


@pytest.mark.parametrize("name", ["SIGHUP", "SIGINT", "SIGTERM"])
def test_a_signal_exits_with_128_plus_its_number(name: str) -> None:
    if not hasattr(signal, name):
        pytest.skip(f"{name} does not exist on {sys.platform}")
    assert diagnostico.EXIT_CODES[name] == 128 + getattr(signal, name)


# --------------------------------------------------------------------------
# Signals: Ctrl+C, kill and a closed terminal end it at once.
# --------------------------------------------------------------------------

STOP_SIGNALS = [
    name for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
]
# "At once", against a connect() that would wait 20 s.
SIGNAL_SECONDS = 0.5


def shell_status(returncode: int) -> int:
    """``$?`` as a shell reports it: 128 + N for a process killed by signal N."""
    return 128 - returncode if returncode < 0 else returncode


def signalled(
    process: subprocess.Popen[bytes], name: str, ready: Callable[[], bool]
) -> tuple[int, float, bytes]:
    """Wait (up to 10 s) for ``ready()``, send signal ``name``; returns the
    exit status, the seconds from the signal to the end, and stderr."""
    deadline = time.monotonic() + 10
    while not ready() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the program ended before the signal"
    start = time.monotonic()
    process.send_signal(getattr(signal, name))
    _, err = process.communicate(timeout=30)
    return process.returncode, time.monotonic() - start, err


def connecting(pid: int) -> Callable[[], bool]:
    """True once the process holds a socket: its connect() has begun."""

    def check() -> bool:
        fds = Path(f"/proc/{pid}/fd")
        with contextlib.suppress(OSError):
            return any(os.readlink(fd).startswith("socket:") for fd in fds.iterdir())
        return False

    return check


@pytest.mark.skipif(sys.platform != "linux", reason="a full backlog refuses elsewhere")
@pytest.mark.parametrize("name", STOP_SIGNALS)
def test_a_signal_ends_a_long_wait_at_once(
    name: str, port_in: Callable[[str], int]
) -> None:
    """``--timeout 20`` against a silent port (a full accept queue): the signal
    ends it in well under a second, with 128 + N and no traceback, although
    the thread in connect() is still waiting."""
    argv = [sys.executable, str(PROGRAM), "127.0.0.1", str(port_in("backlog_full"))]
    with subprocess.Popen(
        [*argv, "--timeout", "20"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        code, seconds, err = signalled(process, name, connecting(process.pid))
    assert code == diagnostico.EXIT_CODES[name], err
    assert seconds < SIGNAL_SECONDS
    assert err == b""


def test_threads_are_not_awaited_when_the_wait_ends_early() -> None:
    """An exception in the waiting thread (KeyboardInterrupt where no handler
    is set) leaves at once: the pool is not joined while a connect() waits."""
    release = threading.Event()

    def fails() -> None:
        raise KeyboardInterrupt

    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            diagnostico.in_threads([fails, lambda: release.wait(10)])
        assert time.monotonic() - start < SIGNAL_SECONDS
    finally:
        release.set()


SLOW_IMPORT = """
import sys, time
sys.stderr.write("importando\\n")
sys.stderr.flush()
time.sleep(20)
"""


@posix_only
@pytest.mark.parametrize("name", STOP_SIGNALS)
def test_a_signal_during_start_up_ends_it_at_once(name: str, tmp_path: Path) -> None:
    """A signal while the command is still importing its modules (one import
    made slow here, by a module of the same name earlier on the path) ends
    it at once with 128 + N, no traceback."""
    (tmp_path / "ipaddress.py").write_text(SLOW_IMPORT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    with subprocess.Popen(
        [sys.executable, str(PROGRAM), "127.0.0.1", "9"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    ) as process:
        assert process.stderr is not None
        assert process.stderr.readline() == b"importando\n"
        code, seconds, err = signalled(process, name, lambda: True)
    assert shell_status(code) == diagnostico.EXIT_CODES[name], err
    assert code > 0, "ended by its handler, not killed by the signal"
    assert seconds < SIGNAL_SECONDS
    assert err == b""


# --------------------------------------------------------------------------
# Results.
# --------------------------------------------------------------------------


def attempt(outcome: str, family: str = "IPv4") -> diagnostico.Attempt:
    address = "127.0.0.1" if family == "IPv4" else "::1"
    return diagnostico.Attempt(family, address, outcome, None)


@pytest.mark.parametrize(
    ("outcomes", "overall"),
    [
        (["conectado", "conectado"], "conectado"),
        (["conectado", "recusado"], "parcial"),
        (["recusado", "recusado"], "recusado"),
        (["tempo esgotado", "tempo esgotado"], "sem resposta"),
        (["recusado", "tempo esgotado"], "recusado e sem resposta"),
        (["host inalcançável"], "host inalcançável"),
        (["rede inalcançável", "rede inalcançável"], "rede inalcançável"),
        (["endereço indisponível"], "endereço indisponível"),
        (["endereço indisponível", "recusado"], "recusado"),
        (["endereço indisponível", "conectado"], "conectado"),
        (["sem permissão"], "sem permissão"),
        (["erro"], "outro erro"),
        (["recusado", "host inalcançável"], "misto"),
    ],
)
def test_overall_result(outcomes: list[str], overall: str) -> None:
    assert diagnostico._overall([attempt(o) for o in outcomes]) == overall


@pytest.mark.parametrize("code", [errno.EACCES, errno.EPERM])
def test_permission_denied_is_its_own_result(
    code: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated: SELinux or an owner-match rule cannot be set up in the lab."""

    def deny(self: socket.socket, address: object) -> None:
        raise OSError(code, "simulado")

    monkeypatch.setattr(socket.socket, "connect", deny)
    report = diagnostico.diagnose("127.0.0.1", 9, 0.1)
    assert (report.resultado, report.codigo_saida) == ("sem permissão", 10)
    assert report.tentativas[0].erro == errno.errorcode[code]
    assert "SELinux" in report.dica
    assert "usuário ou processo" in report.dica


def test_runs_as_a_real_program(port_in: Callable[[str], int]) -> None:
    result = run_program("127.0.0.1", str(port_in("refused")), "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["resultado"] == "recusado"
    assert report["tentativas"][0]["erro"] == "ConnectionRefusedError"
    assert "outro endereço ou interface" in report["dica"]


# --------------------------------------------------------------------------
# In the network lab: the results loopback cannot produce, at real addresses.
# --------------------------------------------------------------------------

# Timing classes: "at once" is well under the default 1 s timeout; a wait is
# at least --timeout; two dropped addresses tried one after the other would
# take at least twice --timeout.
TIMEOUT = "0.5"
AT_ONCE = (0.0, 0.9)
ONE_TIMEOUT = (float(TIMEOUT), 2 * float(TIMEOUT))


class LabRun(NamedTuple):
    setup: str
    argv: tuple[str, ...]
    exit_code: int
    result: str
    seconds: tuple[float, float] = AT_ONCE
    shown: bool = True  # recorded in saidas/lab/ and shown on the page


LAB_RUNS: dict[str, LabRun] = {
    "host_inalcancavel": LabRun(
        "firewall_reject_host_prohibited", (lab.DB, "5432"), 7, "host inalcançável"
    ),
    "host_ausente": LabRun(
        "host_absent", (lab.DB, "5432"), 7, "host inalcançável", shown=False
    ),
    "rede_inalcancavel": LabRun(
        "firewall_reject_net_unreachable", (lab.DB, "5432"), 8, "rede inalcançável"
    ),
    "sem_rota": LabRun(
        "no_route", (lab.DB, "5432"), 8, "rede inalcançável", shown=False
    ),
    "sem_resposta": LabRun(
        "firewall_drop",
        (lab.DB, "5432", "--timeout", TIMEOUT),
        4,
        "sem resposta",
        ONE_TIMEOUT,
        shown=False,
    ),
    # Two dropped addresses take one timeout, not two: they are tried together.
    "sem_resposta_dois_enderecos": LabRun(
        "dual_localhost_dropped",
        ("localhost", "8080", "--timeout", TIMEOUT),
        4,
        "sem resposta",
        ONE_TIMEOUT,
    ),
    "recusado_e_sem_resposta": LabRun(
        "dual_localhost_v6_dropped",
        ("localhost", "8080", "--timeout", TIMEOUT),
        6,
        "recusado e sem resposta",
        ONE_TIMEOUT,
    ),
    "ipv6_desativado": LabRun(
        "ipv6_disabled_dual_localhost", ("localhost", "8081"), 1, "recusado"
    ),
    "endereco_indisponivel": LabRun(
        "ipv6_disabled_dual_localhost", ("::1", "8080"), 9, "endereço indisponível"
    ),
    "parcial": LabRun(
        "dual_localhost_v6_server", ("localhost", "8080"), 3, "parcial", shown=False
    ),
    "conteiner": LabRun(
        "container_host_loopback", (lab.GATEWAY, "5432"), 1, "recusado", shown=False
    ),
}


# The command as its own `__main__` block runs it, timing the diagnosis after
# the imports: on a busy machine the interpreter start alone can take longer
# than the timeout. The time goes to stderr, after the report.
TIMED_MAIN = f"""
import sys, time
sys.path.insert(0, {str(SNIPPETS)!r})
import diagnostico
start = time.monotonic()
code = diagnostico.main(sys.argv[1:])
sys.stdout.flush()
print(f"segundos: {{time.monotonic() - start}}", file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.lab
@pytest.mark.parametrize("name", LAB_RUNS)
def test_in_the_lab(name: str, request: pytest.FixtureRequest) -> None:
    lab.require()
    row = LAB_RUNS[name]
    run = lab.run(row.setup, [sys.executable, "-c", TIMED_MAIN, *row.argv])
    output, _, seconds = run.output.rpartition("segundos: ")
    assert run.returncode == row.exit_code, run.output
    assert f"Resultado: {row.result}\n" in output
    assert "Traceback" not in output
    low, high = row.seconds
    assert low <= float(seconds) < high, f"took {float(seconds):.2f} s"
    if row.shown:
        record_or_compare(LAB_OUTPUTS / f"diagnostico.{name}.txt", output, request)


def test_no_stale_lab_recording() -> None:
    recorded = {p.name for p in LAB_OUTPUTS.glob("diagnostico.*.txt")}
    assert recorded == {
        f"diagnostico.{n}.txt" for n, row in LAB_RUNS.items() if row.shown
    }


def test_an_in_process_run_leaves_the_signal_handlers_alone(
    eval_example: EvalExample, capsys: pytest.CaptureFixture[str]
) -> None:
    """The suite runs the command's variants in its own process, as
    ``__main__``: the handlers it sets end with the run."""
    (scenario,) = [s for s in SCENARIOS if s.snippet == "diagnostico.py"]
    names = STOP_SIGNALS
    before = [signal.getsignal(getattr(signal, name)) for name in names]
    run_snippet(
        eval_example, scenario, scenario.variants["recusado"], check_prints=False
    )
    capsys.readouterr()
    assert [signal.getsignal(getattr(signal, name)) for name in names] == before
