"""The scaffold: bad input is refused clearly; a new example goes end to end."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from ruff.__main__ import find_ruff_bin

from tests import scaffold
from tests.site import ROOT, SNIPPETS

COPIED = ["snippets", "tests", "docs", "overrides", "mkdocs.yml", "pyproject.toml"]
NEW = "novidades/porta_fechada.py"
CODE_BLOCK = re.compile(
    r'<div class="language-(\w+) highlight">.*?<code>(.*?)</code>', re.DOTALL
)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "argumentos inválidos"),
        (["sem_area.py"], "nome inválido"),
        (["Area/Nome.py"], "nome inválido"),
        (["exemplos/com-hifen.py"], "nome inválido"),
        (["exemplos/ação.py"], "nome inválido"),
        (["../fora/x.py"], "nome inválido"),
        (["/tmp/x.py"], "nome inválido"),
        (["exemplos/sub/x.py"], "nome inválido"),
        (["exemplos/x.txt"], "nome inválido"),
        (["saidas/x.py"], "guarda as saídas registradas"),
        (["exemplos/x.py", "--porta", "0"], "--porta deve ser"),
        (["exemplos/x.py", "--porta", "70000"], "--porta deve ser"),
        (["exemplos/x.py", "--porta", "abc"], "--porta deve ser"),
        (["exemplos/x.py", "--porta"], "argumentos inválidos"),
        (["exemplos/x.py", "--situacao", "nada"], "situação desconhecida"),
        (["exemplos/servidor_inativo.py"], "já existe"),
        (["snippets/exemplos/servidor_inativo.py"], "já existe"),
        (["exemplos\\servidor_inativo.py"], "já existe"),
        (["exemplos/x.py", "--extra"], "argumentos inválidos"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(SNIPPETS.rglob("*"))
    assert scaffold.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("erro: ")
    assert message in captured.err
    assert "uso: python -m tests.scaffold" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert sorted(SNIPPETS.rglob("*")) == before


def test_a_name_with_a_scenario_but_no_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(scaffold.BY_SNIPPET, "exemplos/orfao.py", object())
    assert scaffold.main(["exemplos/orfao.py"]) == 2
    assert "já tem um cenário" in capsys.readouterr().err


def test_help_is_in_portuguese(capsys: pytest.CaptureFixture[str]) -> None:
    assert scaffold.main(["--ajuda"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("uso: python -m tests.scaffold")
    assert "--situacao" in out
    assert "usage" not in out


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "from tests.scenarios import Run, Scenario",
            "from tests.scenarios import INSTANT, Run, Scenario",
        ),
        (
            "from tests.scenarios import LOCALHOST_BOTH, Run, Scenario",
            "from tests.scenarios import INSTANT, LOCALHOST_BOTH, Run, Scenario",
        ),
        (
            "from tests.scenarios import INSTANT, Run, Scenario",
            "from tests.scenarios import INSTANT, Run, Scenario",
        ),
    ],
)
def test_instant_joins_the_scenarios_import(line: str, expected: str) -> None:
    module = f'"""Doc."""\n\n{line}\n\nSCENARIOS = []\n'
    assert (
        scaffold._import_instant(module)
        == f'"""Doc."""\n\n{expected}\n\nSCENARIOS = []\n'
    )


def test_an_unusual_import_leaves_the_timing_out() -> None:
    module = "from tests.scenarios import (\n    Run,\n    Scenario,\n)\n"
    assert scaffold._import_instant(module) is None


def test_no_snippet_keeps_the_template_placeholder() -> None:
    left = [
        path.relative_to(SNIPPETS).as_posix()
        for path in SNIPPETS.rglob("*.py")
        if scaffold.PLACEHOLDER in path.read_text(encoding="utf-8")
    ]
    assert not left, f"replace the template's first comment in {left}"


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copy_project(target: Path) -> None:
    ignore = shutil.ignore_patterns("node_modules", "__pycache__")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)


def fenced_block(text: str, language: str) -> str:
    """The first ```language block printed by the scaffold, dedented."""
    body = text.split(f"```{language}", 1)[1].split("```", 1)[0]
    lines = [line.strip() for line in body.splitlines()]
    return (
        f"```{language} {lines[0]}".rstrip()
        + "\n"
        + "\n".join(lines[1:]).strip()
        + "\n```\n"
    )


def test_new_example_is_picked_up_and_passes_once_recorded(tmp_path: Path) -> None:
    """In a copy of the project, the steps of CONTRIBUTING.md: scaffold,
    write, include, record, test, build."""
    copy_project(tmp_path)
    python = [sys.executable]

    created = run([*python, "-m", "tests.scaffold", NEW], tmp_path)
    assert created.returncode == 0, created.stderr
    snippet = tmp_path / "snippets" / NEW
    module = tmp_path / "tests" / "scenarios" / "novidades.py"
    assert snippet.exists()
    assert f'"{NEW}"' in module.read_text(encoding="utf-8")
    for ruff_args in (["check"], ["format", "--check"]):
        result = run([find_ruff_bin(), *ruff_args, "--no-cache", str(module)], tmp_path)
        assert result.returncode == 0, result.stdout

    pytest_cmd = [*python, "-m", "pytest", "-p", "no:cacheprovider", "-rA"]
    select = ["-k", "porta_fechada or completeness or placeholder"]
    before = run([*pytest_cmd, *select], tmp_path)
    assert before.returncode == 1, before.stdout
    # The harness found the new file: its runs fail until the outputs exist.
    for failing in (
        f"test_snippets.py::test_main_run_matches_print_comments[{NEW}]",
        f"test_snippets.py::test_variant_output_is_recorded[{NEW}:servidor_ativo]",
        "test_completeness.py::test_every_snippet_file_is_shown_on_a_page",
        "test_scaffold.py::test_no_snippet_keeps_the_template_placeholder",
    ):
        assert f"FAILED tests/{failing}" in before.stdout

    # The contributor describes the example, then pastes the printed blocks.
    text = snippet.read_text(encoding="utf-8")
    placeholder_line = next(line for line in text.splitlines() if "troque" in line)
    snippet.write_text(
        text.replace(placeholder_line, "# Uma porta sem servidor: recusa imediata."),
        encoding="utf-8",
    )
    page = tmp_path / "docs" / "exemplos.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\n## Porta fechada\n\n"
        + fenced_block(created.stdout, "python")
        + "\n"
        + fenced_block(created.stdout, "text"),
        encoding="utf-8",
    )

    recorded = run([*pytest_cmd, *select, "--update-examples"], tmp_path)
    assert recorded.returncode == 0, recorded.stdout
    assert "        #> Conexão recusada.\n" in snippet.read_text(encoding="utf-8")
    variant = tmp_path / "snippets" / "saidas" / "novidades"
    assert (variant / "porta_fechada.servidor_ativo.txt").read_text(
        encoding="utf-8"
    ) == "Conectado.\n"

    after = run([*pytest_cmd, *select], tmp_path)
    assert after.returncode == 0, after.stdout
    for passing in (
        f"test_snippets.py::test_main_run_matches_print_comments[{NEW}]",
        f"test_snippets.py::test_variant_output_is_recorded[{NEW}:servidor_ativo]",
        f"test_snippets.py::test_snippet_is_ruff_clean[{NEW}]",
        "test_completeness.py::test_every_snippet_file_is_shown_on_a_page",
        "test_scaffold.py::test_no_snippet_keeps_the_template_placeholder",
    ):
        assert f"PASSED tests/{passing}" in after.stdout

    site = tmp_path / "site"
    built = run(
        [*python, "-m", "mkdocs", "build", "--strict", "-d", str(site)], tmp_path
    )
    assert built.returncode == 0, built.stderr
    html = (site / "exemplos" / "index.html").read_text(encoding="utf-8")
    shown = code_blocks(html)
    assert "Conectado.\n" in shown["text"]
    assert any(
        "# Uma porta sem servidor: recusa imediata." in code
        and "#> Conexão recusada." in code
        for code in shown["python"]
    ), shown["python"]


def code_blocks(html: str) -> dict[str, list[str]]:
    """The text of each highlighted code block of a built page, by language."""
    blocks: dict[str, list[str]] = {"python": [], "text": []}
    for language, body in CODE_BLOCK.findall(html):
        if language in blocks:
            blocks[language].append(unescape(re.sub(r"<[^>]+>", "", body)))
    return blocks
