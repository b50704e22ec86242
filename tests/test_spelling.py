"""The pt-BR text is spelled right; the checker reads prose and skips code."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import spelling
from tests.required import unavailable

# One worker runs this module: Hunspell loads its dictionary (a third of a
# second of CPU) once per run of the per-file tests, not once per worker.
pytestmark = pytest.mark.xdist_group("spelling")


def require_hunspell() -> None:
    """Skip where Hunspell's pt_BR dictionary is missing, unless required."""
    problem = spelling.unavailable_reason()
    if problem is not None:
        unavailable(problem, "REQUIRE_SPELLING")


@pytest.fixture(scope="session")
def misspelled_by_file(
    request: pytest.FixtureRequest,
) -> dict[str, list[spelling.Word]]:
    """One Hunspell run over the files this session checks (all of them, or
    what ``-k`` selected), shared by the per-file tests."""
    require_hunspell()
    selected = [
        item.callspec.params["path"]
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_project_text_is_spelled_right"
    ]
    found: dict[str, list[spelling.Word]] = {}
    for word in spelling.misspelled(selected):
        found.setdefault((spelling.ROOT / word.path).resolve().as_posix(), []).append(
            word
        )
    return found


@pytest.mark.parametrize(
    "path",
    spelling.checked_files(),
    ids=lambda p: p.relative_to(spelling.ROOT).as_posix(),
)
def test_project_text_is_spelled_right(
    path: Path, misspelled_by_file: dict[str, list[spelling.Word]]
) -> None:
    """Per file, so that ``pytest -k nome_do_exemplo`` checks that file too."""
    wrong = misspelled_by_file.get(path.resolve().as_posix(), [])
    listed = "\n".join(f"{w.path}:{w.line}: {w.text}" for w in wrong)
    assert not wrong, (
        f"unknown words (fix them, or add right ones to tests/palavras.txt):\n{listed}"
    )


def test_a_misspelling_is_caught_and_code_is_not_checked(tmp_path: Path) -> None:
    require_hunspell()
    page = tmp_path / "pagina.md"
    page.write_text(
        "---\ndescription: Uma conexao recusada.\n---\n\n"
        "# Título\n\nO servidor recusou a `conexao_x`, e o cliente\n"
        "recebeu `OSError: [Errno 111] Conection\nrefused` logo.\n\n"
        '!!! warning "Atençao"\n\n    Texto [certo](https://exemplo.invalid/errrado).\n\n'
        "```python\nprint('servdor')\n```\n",
        encoding="utf-8",
    )
    snippet = tmp_path / "trecho.py"
    snippet.write_text(
        '# Um comentário com erro: conecsão\nprint("Servidor fora do ar")\n'
        'value = getattr(object, "attrname", None)\n',
        encoding="utf-8",
    )
    wrong = spelling.misspelled([page, snippet])
    assert [(Path(w.path).name, w.line, w.text) for w in wrong] == [
        ("pagina.md", 2, "conexao"),
        ("pagina.md", 11, "Atençao"),
        ("trecho.py", 1, "conecsão"),
    ]


def test_markdown_prose_leaves_code_links_and_markup_out() -> None:
    text = (
        "---\ndescription: Texto da descrição\n---\n"
        "Antes `código\nquebrado` depois [link](alvo.md#ancora) { #id }\n"
        '!!! note "Título"\n'
        '--8<-- "uso/conectar.py"\n'
        "```text\nsaída\n```\n"
        "Fim <span>marcado</span>\n"
        "## In English\nThis is not checked\n"
    )
    lines = spelling.markdown_lines(text, "## In English")
    words = [line.split() for line in lines]
    assert words == [
        [],
        ["Texto", "da", "descrição"],
        [],
        ["Antes"],
        ["depois", "[link"],
        ['"Título"'],
        [],
        [],
        [],
        [],
        ["Fim", "marcado"],
    ]


def test_word_list_is_sorted_and_unique() -> None:
    words = [
        line
        for line in spelling.WORDS.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert words == sorted(set(words), key=lambda w: (w.lower(), w))
    assert all(line == line.strip() and " " not in line for line in words)


def test_missing_hunspell_is_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(spelling.shutil, "which", lambda name: None)
    assert spelling.main() == 2
    err = capsys.readouterr().err
    assert err.startswith("erro: hunspell não está instalado")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("listed", "reason"),
    [
        ("/usr/share/hunspell/en_US", spelling.MISSING_DICTIONARY),
        ("/usr/share/hunspell/pt_BR_extra", spelling.MISSING_DICTIONARY),
        ("/usr/share/hunspell/pt_BR", None),
    ],
)
def test_availability_is_read_from_hunspells_list_of_dictionaries(
    listed: str, reason: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check reads ``hunspell -D`` (no dictionary loaded): only a listed
    pt_BR counts, and a missing one is named with how to install it."""
    fake = tmp_path / "hunspell"
    fake.write_text(
        "#!/bin/sh\n"
        "echo 'AVAILABLE DICTIONARIES (path is not mandatory for -d option):' >&2\n"
        f"echo '{listed}' >&2\n"
        "exit 1\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setattr(spelling.shutil, "which", lambda name: str(fake))
    spelling.unavailable_reason.cache_clear()
    try:
        assert spelling.unavailable_reason() == reason
    finally:
        spelling.unavailable_reason.cache_clear()


def test_a_listed_word_is_not_blamed_for_a_compound_elsewhere(tmp_path: Path) -> None:
    """``docker`` is listed; ``docker-compose`` on another page must not make
    Hunspell's report of the part ``docker`` flag the listed word."""
    require_hunspell()
    assert "docker" in spelling.project_words()
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text("Use o docker aqui.\n", encoding="utf-8")
    second.write_text("Rode o docker-compose e o docker-xyzzyq.\n", encoding="utf-8")
    wrong = [(Path(w.path).name, w.text) for w in spelling.misspelled([first, second])]
    assert wrong == [("b.md", "docker-xyzzyq")]
