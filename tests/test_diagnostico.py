"""The diagnosis command: bad input, the branches loopback cannot produce, and
the real program in a subprocess. Its outputs per outcome are scenario
variants (tests/scenarios/recipes.py), recorded from real loopback runs."""

from __future__ import annotations

import errno
import json
import socket
import subprocess
import sys
from collections.abc import Callable

import diagnostico
import pytest

from tests.site import SNIPPETS

PROGRAM = SNIPPETS / "diagnostico.py"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "informe o HOST e a PORTA"),
        (["localhost"], "informe o HOST e a PORTA"),
        (["localhost", "80", "90"], "argumentos demais: 90"),
        (["", "80"], "o HOST não pode ser vazio"),
        (["localhost", "abc"], "a PORTA deve ser um número"),
        (["localhost", "0"], "entre 1 e 65535, não 0"),
        (["localhost", "70000"], "entre 1 e 65535, não 70000"),
        (["localhost", "-1"], "a PORTA deve ser um número"),
        (["localhost", "80", "--verbose"], "opção desconhecida: --verbose"),
        (["localhost", "80", "--timeout"], "--timeout pede um número"),
        (["localhost", "80", "--timeout", "x"], "--timeout pede um número"),
        (["localhost", "80", "--timeout=0"], "entre 0 e 60 segundos"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert diagnostico.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.startswith("erro: ")
    assert "uso: python diagnostico.py" in captured.err


def test_help_lists_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert diagnostico.main(["--ajuda"]) == 0
    out = capsys.readouterr().out
    for name, code in diagnostico.EXIT_CODES.items():
        assert f"{code} {name}" in out


@pytest.mark.parametrize(
    ("code", "outcome"),
    [(errno.EHOSTUNREACH, "sem rota"), (errno.ENETUNREACH, "sem rota")],
)
def test_unreachable_branch(
    code: int, outcome: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated: loopback always has a route, so the kernel cannot produce it."""

    def fail(self: socket.socket, address: object) -> None:
        raise OSError(code, "simulado")

    monkeypatch.setattr(socket.socket, "connect", fail)
    attempt = diagnostico.try_address(socket.AF_INET, ("127.0.0.1", 9), 0.1)
    assert (attempt.resultado, attempt.erro) == (outcome, errno.errorcode[code])
    report = diagnostico._report("h", 9, diagnostico._overall([attempt]), [attempt])
    assert (report.resultado, report.codigo_saida) == ("sem resposta", 4)


def run_program(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PROGRAM), *argv],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )


def test_runs_as_a_real_program(port_in: Callable[[str], int]) -> None:
    result = run_program("127.0.0.1", str(port_in("refused")), "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["resultado"] == "recusado"
    assert report["tentativas"][0]["erro"] == "ConnectionRefusedError"


def test_real_program_bad_input_has_no_traceback() -> None:
    result = run_program("127.0.0.1", "99999")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "entre 1 e 65535" in result.stderr
