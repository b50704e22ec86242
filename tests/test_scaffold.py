"""The scaffold: bad input is refused clearly; a new example goes end to end."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from scripts import scaffold, spelling
from tests.site import ROOT, SNIPPETS

COPIED = ["snippets", "tests", "scripts", "docs", "overrides", "mkdocs.yml"]
COPIED += ["pyproject.toml", "CONTRIBUTING.md", ".gitignore"]
CODE_BLOCK = re.compile(
    r'<div class="language-(\w+) highlight">.*?<code>(.*?)</code>', re.DOTALL
)


def files_under(folder: Path) -> dict[Path, bytes]:
    # os.walk, not Path.rglob: it runs around every test, and rglob took
    # half of its time walking.
    return {
        path: path.read_bytes()
        for top, _, names in os.walk(folder)
        for path in (Path(top, name) for name in names)
    }


@pytest.fixture(scope="module")
def snippets_copy(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[Path, bytes]]:
    """One copy of snippets/ per module (and xdist worker) with its contents:
    a fresh copy for each test cost more than most of the tests."""
    folder = tmp_path_factory.mktemp("scaffold") / "snippets"
    shutil.copytree(SNIPPETS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder, files_under(folder)


@pytest.fixture(autouse=True)
def sandbox(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    snippets_copy: tuple[Path, dict[Path, bytes]],
) -> Iterator[None]:
    """The scaffold writes into a copy: a failing test never touches the tree.

    ``tmp_path/snippets`` leads to the module's copy of snippets/, put back
    as it was after each test, so every test starts from the real tree.
    """
    copy, pristine = snippets_copy
    (tmp_path / "snippets").symlink_to(copy, target_is_directory=True)
    monkeypatch.setattr(scaffold, "SNIPPETS", tmp_path / "snippets")
    monkeypatch.setattr(scaffold, "TABLE", tmp_path / "scenarios.py")
    monkeypatch.setattr(scaffold, "JOURNAL", tmp_path / ".scaffold-pendente")
    for name, path in (("README", "tests/README.md"), ("GUIDE", "CONTRIBUTING.md")):
        target = tmp_path / Path(path).name
        shutil.copy2(ROOT / path, target)
        monkeypatch.setattr(scaffold, name, target)
    shutil.copy2(ROOT / "tests" / "scenarios.py", scaffold.TABLE)
    yield
    for path in sorted(copy.rglob("*"), reverse=True):  # files before folders
        if path.is_dir() and not any(path.iterdir()) and path != copy:
            if not any(p.is_relative_to(path) for p in pristine):
                path.rmdir()
        elif path.is_file() and path not in pristine:
            path.unlink()
    for path, data in pristine.items():
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    assert files_under(copy) == pristine, "the copy of snippets/ was not put back"


def tree_state() -> dict[Path, bytes]:
    """Everything the scaffold could write: snippets/ and the scenario table."""
    table = scaffold.TABLE
    return {**files_under(scaffold.SNIPPETS), table: table.read_bytes()}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "diga o nome do exemplo"),
        (["exemplos/x.py"], "diga a situação"),
        (["sem_area.py", "--situacao", "refused"], "nome inválido"),
        (["Area/Nome.py", "--situacao", "refused"], "nome inválido"),
        (["exemplos/com-hifen.py", "--situacao", "refused"], "nome inválido"),
        (["exemplos/ação.py", "--situacao", "refused"], "nome inválido"),
        (["../fora/x.py", "--situacao", "refused"], "nome inválido"),
        (["/tmp/x.py", "--situacao", "refused"], "nome inválido"),
        (["exemplos/sub/x.py", "--situacao", "refused"], "nome inválido"),
        (["exemplos/x.txt", "--situacao", "refused"], "nome inválido"),
        (["exemplos/novo.py\n", "--situacao", "refused"], "nome inválido"),
        (["exemplos/novo.py\x00", "--situacao", "refused"], "nome inválido"),
        (["saidas/x.py", "--situacao", "refused"], "guarda as saídas"),
        (["exemplos/x.py", "--situacao", "refused", "--porta", "0"], "--porta"),
        (["exemplos/x.py", "--situacao", "refused", "--porta", "70000"], "--porta"),
        (["exemplos/x.py", "--situacao", "refused", "--porta", "abc"], "--porta"),
        (["exemplos/x.py", "--situacao", "refused", "--porta", "²"], "--porta"),
        (["exemplos/x.py", "--situacao", "refused", "--porta", "٨٠"], "--porta"),
        (["exemplos/x.py", "--situacao", "refused", "--porta", "8" * 5000], "--porta"),
        (["exemplos/x.py", "--situacao", "refused", "--porta"], "argumentos"),
        (["exemplos/x.py", "--situacao", "nada"], "situação desconhecida"),
        (
            ["exemplos/x.py", "--situacao", "refused", "--variante", "servidor_ativo"],
            "precisa de uma situação explícita",
        ),
        (
            ["exemplos/x.py", "--situacao", "refused", "--variante", "ativo="],
            "precisa de uma situação explícita",
        ),
        (
            ["exemplos/x.py", "--situacao", "refused", "--variante", "a=gopher"],
            "situação desconhecida",
        ),
        (
            ["exemplos/x.py", "--situacao", "refused", "--variante", "a=refused"],
            "a mesma situação",
        ),
        (
            ["exemplos/x.py", "--situacao", "refused", "--variante", "Ativo=http"],
            "nome de variante",
        ),
        (["exemplos/servidor_inativo.py", "--situacao", "refused"], "já existe"),
        (
            ["snippets/exemplos/servidor_inativo.py", "--situacao", "refused"],
            "já existe",
        ),
        (["exemplos\\servidor_inativo.py", "--situacao", "refused"], "já existe"),
        (["exemplos/x.py", "--situacao", "refused", "--extra"], "argumentos"),
        (["exemplos/" + "a" * 300 + ".py", "--situacao", "refused"], "nome inválido"),
        (["a" * 300 + "/x.py", "--situacao", "refused"], "nome inválido"),
        (["site/x.py", "--situacao", "refused"], "ignorado pelo git"),
        (["node_modules/x.py", "--situacao", "refused"], "ignorado pelo git"),
        (["x.py", "--pagina", "docs/nada.md", "--situacao", "refused"], "--pagina"),
        (["x.py", "--pagina", "mkdocs.yml", "--situacao", "refused"], "--pagina"),
        (
            ["exemplos/x.py", "--pagina", "docs/armadilhas/parecidas.md"],
            "mostra trechos de parecidas/",
        ),
        (["--desfazer", "exemplos/nunca_existiu.py"], "nada a desfazer"),
        (["--desfazer", "exemplos/servidor_inativo.py"], "já foi editado"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree_state()
    assert scaffold.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("erro: ")
    assert message in captured.err
    assert "uso: python -m scripts.scaffold" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert tree_state() == before


def test_a_name_with_a_scenario_but_no_file_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    (scaffold.SNIPPETS / "exemplos" / "servidor_inativo.py").unlink()
    name = "exemplos/servidor_inativo.py"
    assert scaffold.main([name, "--situacao", "refused"]) == 2
    assert "já tem um cenário" in capsys.readouterr().err


def test_help_is_in_portuguese(capsys: pytest.CaptureFixture[str]) -> None:
    assert scaffold.main(["--ajuda"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("uso: python -m scripts.scaffold")
    assert "--variante NOME=SITUAÇÃO" in out
    assert "usage" not in out


class _BrokenStdout(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_nothing_is_left_behind_when_the_output_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree_state()
    monkeypatch.setattr(sys, "stdout", _BrokenStdout())
    assert scaffold.main(["exemplos/nunca_criado.py", "--situacao", "refused"]) == 1
    assert "nada foi gravado" in capsys.readouterr().err
    assert tree_state() == before
    assert not list(scaffold.SNIPPETS.rglob(".*.novo"))


def test_a_failed_second_write_restores_the_first(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "sem_permissao" / "b.txt"
    first.write_text("antes", encoding="utf-8")
    second.parent.write_text("um arquivo, não uma pasta", encoding="utf-8")
    with (
        pytest.raises(OSError, match="."),
        scaffold.written({first: "depois", second: "x"}),
    ):
        pass
    assert first.read_text(encoding="utf-8") == "antes"


def test_the_new_row_keeps_the_table_importable_and_formatted() -> None:
    text = scaffold.new_table(
        "exemplos/um_nome_bem_comprido_para_quebrar_a_linha_do_cenario.py",
        65535,
        "refused",
        {"servidor_ativo": "listening", "fila_cheia": "backlog_full"},
    )
    assert text.count(scaffold.SENTINEL) == 1
    assert scaffold._ruff_format(text) == text
    namespace: dict[str, object] = {}
    exec(compile(text, "scenarios.py", "exec"), namespace)  # checks the rows too
    row = namespace["BY_SNIPPET"][  # type: ignore[index]
        "exemplos/um_nome_bem_comprido_para_quebrar_a_linha_do_cenario.py"
    ]
    assert row.main.ports == {65535: "refused"}
    assert row.main.max_seconds == namespace["INSTANT"]
    assert {k: v.ports[65535] for k, v in row.variants.items()} == {
        "servidor_ativo": "listening",
        "fila_cheia": "backlog_full",
    }


def test_no_snippet_keeps_the_template_placeholder() -> None:
    left = [
        path.relative_to(SNIPPETS).as_posix()
        for path in SNIPPETS.rglob("*.py")
        if scaffold.PLACEHOLDER in path.read_text(encoding="utf-8")
    ]
    assert not left, f"replace the template's first comment in {left}"


# --------------------------------------------------------------------------
# End to end, in a copy of the project: CONTRIBUTING.md's worked example.
# --------------------------------------------------------------------------


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
    # Compiled files come along: the copy's pytest runs skip rewriting them.
    ignore = shutil.ignore_patterns("node_modules")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)


def guide_block(guide: str, title: str) -> str:
    """The body of the guide's code block titled ``title``."""
    match = re.search(rf'```\w+ title="{re.escape(title)}"\n(.*?)```', guide, re.S)
    assert match, f"CONTRIBUTING.md lost its block {title!r}"
    return match[1]


def guide_command(guide: str, name: str) -> list[str]:
    match = re.search(rf"python -m scripts\.scaffold ({re.escape(name)}[^\n`]*)", guide)
    assert match, f"CONTRIBUTING.md lost the scaffold command for {name}"
    return match[1].split()


def printed_block(text: str, language: str) -> str:
    """The first ```language block printed by the scaffold, dedented."""
    body = text.split(f"```{language}", 1)[1].split("```", 1)[0]
    lines = [line.strip() for line in body.splitlines()]
    return (
        f"```{language} {lines[0]}".rstrip()
        + "\n"
        + "\n".join(lines[1:]).strip()
        + "\n```\n"
    )


@pytest.mark.timeout(600)  # three pytest runs of up to 120 s each and a build
@pytest.mark.order(0)  # the longest test: handed out first, never last alone
def test_guide_example_with_a_new_situation_goes_end_to_end(tmp_path: Path) -> None:
    """CONTRIBUTING.md alone: add a situation, scaffold, write, include, record,
    test, build. A variant against a server that speaks no FTP is refused."""
    tmp_path = tmp_path / "projeto"
    copy_project(tmp_path)
    guide = (tmp_path / "CONTRIBUTING.md").read_text(encoding="utf-8")
    name = "bibliotecas/ftp_recusa.py"
    command = guide_command(guide, name)
    scaffold_cmd = [sys.executable, "-m", "scripts.scaffold"]

    # Before the situation exists, the scaffold says so and writes nothing.
    early = run([*scaffold_cmd, *command], tmp_path)
    assert early.returncode == 2
    assert "situação desconhecida em --variante servidor_ativo: 'ftp'" in early.stderr
    assert not (tmp_path / "snippets" / name).exists()

    situations = tmp_path / "tests" / "situations.py"
    text = situations.read_text(encoding="utf-8")
    function = guide_block(guide, "tests/situations.py (a função)")
    entry = guide_block(guide, "tests/situations.py (no dicionário SITUATIONS)")
    text = text.replace(
        "\n\n@dataclass(frozen=True)\nclass Situation",
        "\n\n" + function + "\n\n@dataclass(frozen=True)\nclass Situation",
    )
    text = text.replace(
        "SITUATIONS: dict[str, Situation] = {\n",
        "SITUATIONS: dict[str, Situation] = {\n" + entry,
    )
    situations.write_text(text, encoding="utf-8")

    created = run([*scaffold_cmd, *command], tmp_path)
    assert created.returncode == 0, created.stderr
    # The new situation is listed in both guides by the scaffold, not by hand.
    readme = (tmp_path / "tests" / "README.md").read_text(encoding="utf-8")
    assert "| `ftp` | `ftp` | Um servidor FTP mínimo" in readme
    assert ", `ftp`." in (tmp_path / "CONTRIBUTING.md").read_text(encoding="utf-8")
    snippet = tmp_path / "snippets" / name
    snippet.write_text(guide_block(guide, f"snippets/{name}"), encoding="utf-8")
    page = tmp_path / "docs" / "bibliotecas" / "index.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\n## FTP\n\n"
        + printed_block(created.stdout, "python")
        + "\n"
        + printed_block(created.stdout, "text"),
        encoding="utf-8",
    )

    pytest_cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA"]
    pytest_cmd += ["-m", "not browser"]  # the contributor's loop
    # The guide's ``-k`` selection, collected from the modules it reaches
    # (recording needs only the snippets' module).
    keyword = ["-k", "ftp_recusa or ftp"]
    modules = ["test_snippets.py", "test_network.py", "test_spelling.py"]
    select = [*keyword, *(f"tests/{name}" for name in modules)]
    select_runs = [*keyword, "tests/test_snippets.py"]
    recorded = run([*pytest_cmd, *select_runs, "--update-examples"], tmp_path)
    assert recorded.returncode == 0, recorded.stdout
    assert "#> Recusada: nenhum servidor FTP escuta nessa porta.\n" in (
        snippet.read_text(encoding="utf-8")
    )
    variant = tmp_path / "snippets" / "saidas" / "bibliotecas"
    assert (variant / "ftp_recusa.servidor_ativo.txt").read_text(
        encoding="utf-8"
    ) == "220 Servidor FTP de teste\n"

    after = run([*pytest_cmd, *select], tmp_path)
    assert after.returncode == 0, after.stdout
    for passing in (
        f"test_snippets.py::test_main_run_matches_print_comments[{name}]",
        f"test_snippets.py::test_variant_output_is_recorded[{name}:servidor_ativo]",
        f"test_snippets.py::test_snippet_is_ruff_clean[{name}]",
        "test_network.py::test_situation_starts_and_stops_cleanly[ftp]",
    ):
        assert f"PASSED tests/{passing}" in after.stdout
    # Its spelling check ran too, or was skipped where Hunspell is missing.
    spelled = f"test_spelling.py::test_project_text_is_spelled_right[snippets/{name}]"
    # Where Hunspell is missing, the reason, in the skip's summary line.
    shown = spelling.unavailable_reason() or f"PASSED tests/{spelled}"
    assert shown in after.stdout

    # The false claim cannot be recorded: a bare listener answers nothing.
    table = tmp_path / "tests" / "scenarios.py"
    table.write_text(
        table.read_text(encoding="utf-8").replace(
            '"servidor_ativo": Run(ports={2121: "ftp"})',
            '"servidor_ativo": Run(ports={2121: "listening"})',
        ),
        encoding="utf-8",
    )
    false_claim = run([*pytest_cmd, *select_runs], tmp_path)
    assert false_claim.returncode != 0
    # One test fails, the row's, naming its line; the collection goes on.
    assert re.search(r"\b1 failed\b", false_claim.stdout), false_claim.stdout
    assert "FAILED tests/test_snippets.py::test_scenario_row_is_sound[" in (
        false_claim.stdout
    )
    assert re.search(
        r"tests/scenarios\.py:\d+ \(bibliotecas/ftp_recusa\.py\): \(servidor_ativo\)"
        r" a variante 'servidor_ativo' afirma um servidor no ar, e o trecho fala "
        r"ftp, mas na porta 2121 \('listening'\) nada responde",
        false_claim.stdout,
    ), false_claim.stdout

    site = tmp_path / "site"
    built = run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        tmp_path,
    )
    assert built.returncode == 0, built.stderr
    html = (site / "bibliotecas" / "index.html").read_text(encoding="utf-8")
    shown = code_blocks(html)
    assert "220 Servidor FTP de teste\n" in shown["text"]
    assert any("#> Recusada" in code for code in shown["python"]), shown["python"]


def code_blocks(html: str) -> dict[str, list[str]]:
    """The text of each highlighted code block of a built page, by language."""
    blocks: dict[str, list[str]] = {"python": [], "text": []}
    for language, body in CODE_BLOCK.findall(html):
        if language in blocks:
            blocks[language].append(unescape(re.sub(r"<[^>]+>", "", body)))
    return blocks


# --------------------------------------------------------------------------
# The page picks the area and the group; dry run; undo; interruptions.
# --------------------------------------------------------------------------


def test_the_page_gives_the_area_and_the_row_joins_its_group(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["nova.py", "--pagina", "docs/armadilhas/parecidas.md"]
    assert scaffold.main([*argv, "--situacao", "reset"]) == 0
    assert (scaffold.SNIPPETS / "parecidas" / "nova.py").exists()
    rows = list(scaffold.table_rows(scaffold.TABLE.read_text(encoding="utf-8")))
    position = rows.index("parecidas/nova.py")
    assert rows[position - 1].startswith("parecidas/")
    assert not rows[position + 1].startswith("parecidas/")
    assert "A página: docs/armadilhas/parecidas.md" in capsys.readouterr().out


def test_the_page_list_names_the_page_of_parecidas() -> None:
    assert "docs/armadilhas/parecidas.md" in scaffold.where_to_include("parecidas")


def test_a_dry_run_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    before = tree_state()
    argv = ["exemplos/simulado.py", "--situacao", "refused", "--simular"]
    assert scaffold.main(argv) == 0
    out = capsys.readouterr().out
    assert "nada foi gravado" in out
    assert '"exemplos/simulado.py"' in out
    assert tree_state() == before


def test_undo_removes_what_the_scaffold_made(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = tree_state()
    assert scaffold.main(["exemplos/desfeito.py", "--situacao", "refused"]) == 0
    assert tree_state() != before
    assert scaffold.main(["--desfazer", "exemplos/desfeito.py"]) == 0
    assert "Desfeito" in capsys.readouterr().out
    assert tree_state() == before


KILLED_BETWEEN_WRITES = """
import os, signal, sys
from pathlib import Path
from scripts import scaffold

folder = Path(sys.argv[1])
scaffold.SNIPPETS = folder / "snippets"
scaffold.TABLE = folder / "scenarios.py"
scaffold.JOURNAL = folder / ".scaffold-pendente"
replace = os.replace


def replace_then_die(source, target):
    replace(source, target)
    os.kill(os.getpid(), getattr(signal, sys.argv[2]))


scaffold.os.replace = replace_then_die
scaffold.main(sys.argv[3:])
"""


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM"])
def test_killed_between_the_two_writes_the_next_run_says_what_to_do(
    tmp_path: Path, sig: str
) -> None:
    """The snippet is written, the table is not: the next run names the way
    back, and --desfazer leaves the tree as it was."""
    before = tree_state()
    name = "exemplos/interrompido.py"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BETWEEN_WRITES, str(tmp_path), sig, name]
        + ["--situacao", "refused"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert killed.returncode < 0, killed.stderr
    assert (scaffold.SNIPPETS / name).exists()  # the state the kill left
    again = subprocess.run(
        [*SCAFFOLD_IN(tmp_path), name, "--situacao", "refused"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 2
    assert f"--desfazer {name}" in again.stderr
    assert "Traceback" not in again.stderr
    undone = subprocess.run(
        [*SCAFFOLD_IN(tmp_path), "--desfazer", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert undone.returncode == 0, undone.stderr
    assert tree_state() == before
    assert not scaffold.JOURNAL.exists()


def SCAFFOLD_IN(folder: Path) -> list[str]:  # noqa: N802
    """The scaffold as a program, writing into ``folder``'s copy."""
    code = (
        "import sys; from pathlib import Path; from scripts import scaffold; "
        "f = Path(sys.argv[1]); scaffold.SNIPPETS = f / 'snippets'; "
        "scaffold.TABLE = f / 'scenarios.py'; "
        "scaffold.JOURNAL = f / '.scaffold-pendente'; "
        "raise SystemExit(scaffold.main(sys.argv[2:]))"
    )
    return [sys.executable, "-c", code, str(folder)]


@pytest.mark.parametrize(
    ("how", "message", "code"),
    [
        ("closed_stdout", "a saída padrão está fechada", 1),
        ("ascii", "PYTHONIOENCODING=utf-8", 1),
        ("broken_table", "tests/scenarios.py tem um erro de sintaxe na linha", 2),
        ("broken_situations", "tests/situations.py não pôde ser carregado", 2),
    ],
)
def test_a_hostile_environment_gets_a_message_not_a_traceback(
    tmp_path: Path, how: str, message: str, code: int
) -> None:
    before = tree_state()
    env = {**os.environ}
    command = [*SCAFFOLD_IN(tmp_path), "exemplos/hostil.py", "--situacao", "refused"]
    stdout: int | None = subprocess.PIPE
    if how == "ascii":
        env["PYTHONIOENCODING"] = "ascii"
    if how == "closed_stdout":
        command = ["sh", "-c", '"$@" >&-', "sh", *command]
        stdout = None
    if how == "broken_table":
        scaffold.TABLE.write_text("SCENARIOS = [\n", encoding="utf-8")
        before = tree_state()
    cwd = ROOT
    if how == "broken_situations":
        copy_project(tmp_path / "projeto")
        situations = tmp_path / "projeto" / "tests" / "situations.py"
        situations.write_text("def (:\n", encoding="utf-8")
        cwd = tmp_path / "projeto"
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_state() == before
