"""The scenario table's own checks: a bad row fails its test, and says why;
the guides list every situation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_examples import EvalExample

from tests import runner, scenarios
from tests.paths import ROOT, TESTS
from tests.runner import judge, run_snippet
from tests.scenarios import SCENARIOS, Run, Scenario, row_problems
from tests.situations import SITUATIONS

HTTP_CLIENT = "import urllib.request\n"


def row(tmp_path: Path, source: str, **runs: Run) -> Scenario:
    snippet = tmp_path / "trecho.py"
    snippet.write_text(source, encoding="utf-8")
    main = runs.pop("main", None)
    return Scenario(str(snippet), main=main, variants=runs)


@pytest.mark.parametrize(
    ("source", "runs", "problem"),
    [
        (HTTP_CLIENT, {"main": Run(ports={80: "gopher"})}, "situação desconhecida"),
        (HTTP_CLIENT, {"x": Run(ports={80: "smtp"})}, "o trecho fala http, mas"),
        (HTTP_CLIENT, {"servidor_ativo": Run(ports={80: "reset"})}, "nada responde"),
        ("import xmlrpc.client\n", {}, "xmlrpc.client, um cliente de rede"),
        ("from xmlrpc import client\n", {}, "add it to PROTOCOLS"),
        ("import telnetlib\n", {}, "add it to PROTOCOLS"),
        ("", {"main": Run(lab="container_host_all")}, "só pode ser uma variante"),
        ("", {"x": Run(lab="nenhuma")}, "precisa ser conhecida"),
    ],
)
def test_a_bad_row_is_named(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    runs: dict[str, Run],
    problem: str,
) -> None:
    # xmlrpc.client stands for a client the table does not know yet.
    monkeypatch.delitem(scenarios.PROTOCOLS, "xmlrpc.client", raising=False)
    scenario = row(tmp_path, source, **runs)
    problems = row_problems(scenario, [scenario])
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize("situation", ["refused", "reset", "listening", "accepting"])
def test_any_client_may_face_a_server_that_answers_nothing(
    tmp_path: Path, situation: str
) -> None:
    """Misbehaving situations (refused, reset, never answers, closes) run
    under any client, in any variant but the one that claims a server."""
    scenario = row(tmp_path, HTTP_CLIENT, sem_resposta=Run(ports={80: situation}))
    assert row_problems(scenario, [scenario]) == []


def test_a_row_listed_twice_is_named(tmp_path: Path) -> None:
    scenario = row(tmp_path, "")
    assert row_problems(scenario, [scenario, scenario]) == [
        "dois cenários para o mesmo trecho: deixe um só"
    ]


def test_every_row_of_the_table_has_its_own_test() -> None:
    from tests.test_snippets import FILES

    assert [param.id for param in FILES] == [s.snippet for s in SCENARIOS]


def failure_of(tmp_path: Path, source: str, run: Run, eval_example: EvalExample) -> str:
    scenario = row(tmp_path, source)
    outcome = run_snippet(eval_example, scenario, run, check_prints=False)
    with pytest.raises(pytest.fail.Exception) as failed:
        judge(scenario, run, outcome)
    return str(failed.value)


def test_a_failure_names_the_snippets_own_line(
    tmp_path: Path, eval_example: EvalExample
) -> None:
    source = "def check():\n    raise KeyError('x')\n\n\ncheck()\n"
    message = failure_of(tmp_path, source, Run(), eval_example)
    assert message.startswith(f"{tmp_path / 'trecho.py'}:2 raised KeyError")


def test_a_client_without_a_timeout_is_stopped_and_told_why(
    tmp_path: Path, eval_example: EvalExample, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A listener that never answers, a client that never gives up: the run
    is interrupted soon after its timing class, not at the suite's limit."""
    monkeypatch.setattr(runner, "OVERRUN_SECONDS", 0.5)  # 10 s in the suite
    source = (
        "import socket\n\n"
        "with socket.create_connection(('127.0.0.1', 8080)) as s:\n"
        "    s.recv(1)\n"
    )
    run = Run(ports={8080: "listening"}, max_seconds=0.2)
    message = failure_of(tmp_path, source, run, eval_example)
    limit = run.max_seconds + runner.OVERRUN_SECONDS
    assert f":4: still running after {limit:.1f}s" in message
    assert "Give it a timeout" in message


def readme_situations() -> dict[str, str]:
    """tests/README.md's situation table: name -> the protocol it says."""
    text = (TESTS / "README.md").read_text(encoding="utf-8")
    section = text.split("## Situações (`situations.py`)", 1)[1].split("\n## ", 1)[0]
    listed = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            names = re.findall(r"`(\w+)`", cells[0])
            spoken = re.findall(r"`(\w+)`|—", cells[1]) or [cells[1]]
            spoken = spoken * len(names) if len(spoken) == 1 else spoken
            listed.update(zip(names, spoken, strict=True))
    return listed


def test_the_readme_lists_every_situation_and_its_protocol() -> None:
    expected = {name: s.speaks or "" for name, s in SITUATIONS.items()}
    assert readme_situations() == expected, (
        "tests/README.md: the table under 'Situações' must list every entry of "
        "SITUATIONS with what it speaks (— for None)"
    )


def test_the_guide_lists_every_situation() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("dicionário `SITUATIONS` do fim", 1)[1].split("\n\n", 1)[0]
    assert set(re.findall(r"`(\w+)`", section)) == set(SITUATIONS), (
        "CONTRIBUTING.md: the list of situations must name every entry of SITUATIONS"
    )
