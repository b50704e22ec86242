"""The scaffold: bad input is refused clearly; a new example goes end to end."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import scaffold
from tests.site import ROOT

COPIED = ["snippets", "tests", "docs", "overrides", "mkdocs.yml", "pyproject.toml"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "argumentos inválidos"),
        (["sem_area.py"], "nome inválido"),
        (["Area/Nome.py"], "nome inválido"),
        (["../fora/x.py"], "nome inválido"),
        (["exemplos/x.txt"], "nome inválido"),
        (["exemplos/x.py", "--porta", "0"], "--porta deve ser"),
        (["exemplos/x.py", "--porta", "abc"], "--porta deve ser"),
        (["exemplos/x.py", "--situacao", "nada"], "situação desconhecida"),
        (["exemplos/servidor_inativo.py"], "já existe"),
        (["exemplos/x.py", "--extra"], "argumentos inválidos"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert scaffold.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("erro: ")
    assert message in err
    assert "Traceback" not in err
    assert not (scaffold.SNIPPETS / "exemplos" / "x.py").exists()


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_new_example_is_picked_up_and_passes_once_recorded(tmp_path: Path) -> None:
    """In a copy of the project: scaffold, include, record, test."""
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("node_modules", "__pycache__")
            shutil.copytree(source, tmp_path / name, ignore=ignore)
        else:
            shutil.copy2(source, tmp_path / name)

    created = run(["-m", "tests.scaffold", "novidades/porta_fechada.py"], tmp_path)
    assert created.returncode == 0, created.stderr
    assert '--8<-- "novidades/porta_fechada.py"' in created.stdout
    snippet = tmp_path / "snippets" / "novidades" / "porta_fechada.py"
    assert snippet.exists()

    select = ["-p", "no:cacheprovider", "-q", "-k", "porta_fechada or completeness"]
    before = run(["-m", "pytest", *select], tmp_path)
    assert before.returncode != 0, "an un-included, unrecorded example must fail"

    page = tmp_path / "docs" / "exemplos.md"
    include_block = created.stdout.split("```python", 1)[1].split("```", 1)[0]
    variant_block = created.stdout.split("```text", 1)[1].split("```", 1)[0]
    page.write_text(
        page.read_text(encoding="utf-8")
        + f"\n```python{include_block}```\n\n```text{variant_block}```\n",
        encoding="utf-8",
    )
    recorded = run(["-m", "pytest", *select, "--update-examples"], tmp_path)
    assert recorded.returncode == 0, recorded.stdout
    assert "#> Conexão recusada." in snippet.read_text(encoding="utf-8")

    after = run(["-m", "pytest", *select], tmp_path)
    assert after.returncode == 0, after.stdout
    assert " passed" in after.stdout
