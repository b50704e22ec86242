"""Create a new example: the snippet file, its row in the scenario table, next steps.

    python -m scripts.scaffold ÁREA/NOME.py --situacao S [--porta N]
                               [--variante NOME=SITUAÇÃO ...] [--simular]
    python -m scripts.scaffold NOME.py --pagina docs/PÁGINA.md --situacao S ...
    python -m scripts.scaffold --desfazer ÁREA/NOME.py

Every run names its situation explicitly: the main run (``--situacao``) and
each variant (``--variante servidor_ativo=http``). There is no default
variant, so nothing is recorded as "the server running" unless the
contributor says which server that is. Both files are written, or neither; a
run killed between the two writes leaves a note (``JOURNAL``) that the next
run reads, saying how to undo it. Messages are pt-BR: this is the
contributor's tool. Flags are pt-BR (typed by contributors); attributes and
names in the code are English (see "Nomes" in CONTRIBUTING.md).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.paths import DOCS, OUTPUTS, ROOT, SNIPPETS
from tests.site import includes, markdown_sources

TABLE = ROOT / "tests" / "scenarios.py"
# Written before the first file and removed after the second: if it is there,
# a run was killed in between.
JOURNAL = ROOT / ".scaffold-pendente"
SENTINEL = "    # New rows go above this line (the scaffold inserts them here).\n"
PART = r"[a-z][a-z0-9_]{0,63}"  # far below any file system's name limit
NAME = re.compile(rf"{PART}/{PART}\.py")
STEM = re.compile(rf"{PART}\.py")
VARIANT = re.compile(PART)
PORT = re.compile(r"[0-9]{1,5}")
USAGE = (
    "uso: python -m scripts.scaffold ÁREA/NOME.py --situacao S [--porta N] "
    "[--variante NOME=SITUAÇÃO ...] [--pagina docs/PÁGINA.md] [--simular] | "
    "--desfazer ÁREA/NOME.py"
)
HELP = """\
{usage}

Cria snippets/ÁREA/NOME.py a partir de um modelo, acrescenta a linha que o
testa na tabela tests/scenarios.py (no grupo da página) e mostra o bloco a
colar na página.

  ÁREA/NOME.py              letras minúsculas, números e _
                            (ex.: armadilhas/porta_errada.py)
  --pagina docs/X.md        a página que vai mostrar o exemplo: a área sai
                            dela (basta NOME.py) e a linha entra no grupo dela
  --situacao S              situação da porta na execução principal, cuja saída
                            fica nos comentários #> (ex.: refused)
  --porta N                 porta documentada no exemplo (padrão: 8080)
  --variante NOME=SITUAÇÃO  outra execução, gravada em snippets/saidas/;
                            repita para mais de uma. Sem variante, nada é gravado
                            além da execução principal.
  --simular                 mostra o que seria criado, sem gravar nada
  --desfazer ÁREA/NOME.py   apaga o trecho criado (se ainda tiver o comentário
                            do modelo) e a linha dele na tabela

Situações: {situations}
"""

# Lines a contributor must replace; test_scaffold.py fails while one is left.
PLACEHOLDER = "(troque este comentário"
TEMPLATE = f"""\
import socket

# {PLACEHOLDER} por uma frase: o que este exemplo mostra)
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.settimeout(2)  # não espera minutos por um firewall que descarta pacotes
    try:
        s.connect(("127.0.0.1", {{port}}))
        print("Conectado.")
    except ConnectionRefusedError:
        print("Conexão recusada.")
        #> (a saída é gravada por: python -m pytest -k {{stem}} --update-examples)
"""


class UsageError(Exception):
    """A message for the contributor, in pt-BR."""


def situations() -> dict[str, object]:
    """``SITUATIONS``, imported when needed: an error the contributor left in
    ``tests/situations.py`` becomes a message, not a traceback."""
    try:
        from tests import situations as module
    except Exception as exc:  # any error in the contributor's file
        raise UsageError(
            f"tests/situations.py não pôde ser carregado ({type(exc).__name__}: "
            f"{exc}). Corrija-o e rode o gerador de novo."
        ) from None
    return module.SITUATIONS  # type: ignore[return-value]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own messages are English
        raise UsageError(f"argumentos inválidos ({message}).")

    def format_help(self) -> str:
        try:
            known = ", ".join(situations())
        except UsageError as exc:
            known = str(exc)
        return HELP.format(usage=USAGE, situations=known)


def _situation(name: str, where: str) -> str:
    known = situations()
    if name not in known:
        raise UsageError(
            f"situação desconhecida em {where}: {name!r}. Use uma de: "
            f"{', '.join(known)} (ou crie uma: veja 'Adicionar uma situação' no "
            "CONTRIBUTING.md)."
        )
    return name


def table_rows(text: str) -> dict[str, tuple[int, int]]:
    """Rows of the table: snippet -> (first line, last line), read without
    importing it, so that a table with an error gives a message."""
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise UsageError(
            f"tests/scenarios.py tem um erro de sintaxe na linha {exc.lineno} "
            f"({exc.msg}). Corrija-o (git diff tests/scenarios.py mostra o que "
            "mudou) e rode o gerador de novo."
        ) from None
    rows: dict[str, tuple[int, int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "SCENARIOS" for t in node.targets
        ):
            assert isinstance(node.value, ast.List)
            for element in node.value.elts:
                first = element.args[0] if isinstance(element, ast.Call) else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    end = element.end_lineno or element.lineno
                    rows[first.value] = (element.lineno, end)
    return rows


def area_of(page: str) -> str:
    """The area of ``snippets/`` that a page shows: the one its includes name
    most, else its folder in ``docs/`` (``docs/armadilhas/x.md`` -> armadilhas)."""
    path = (ROOT / page.replace("\\", "/")).resolve()
    if not path.is_relative_to(DOCS) or path.suffix != ".md" or not path.is_file():
        raise UsageError(
            f"--pagina: {page!r} não é uma página de docs/ (ex.: "
            "docs/armadilhas/parecidas.md)."
        )
    areas = [inc.path.split("/")[0] for inc in includes(path) if "/" in inc.path]
    areas = [area for area in areas if area != OUTPUTS.name]
    if areas:
        return max(set(areas), key=areas.count)
    folder = path.parent.relative_to(DOCS).parts
    return folder[0] if folder else path.stem.replace("-", "_")


def ignored_by_git(relative: str) -> bool:
    """Whether ``.gitignore`` hides this path (a commit would miss it)."""
    try:
        result = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", relative],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
    except OSError:
        result = None
    if result is not None and result.returncode in (0, 1):
        return result.returncode == 0
    # No git here: the .gitignore's plain folder names.
    gitignore = ROOT / ".gitignore"
    if not gitignore.exists():
        return False
    patterns = gitignore.read_text(encoding="utf-8").splitlines()
    names = {line.strip().strip("/") for line in patterns if line.strip()}
    return bool(names & set(Path(relative).parts))


def parse(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="python -m scripts.scaffold", add_help=False)
    parser.add_argument("name", nargs="?")
    parser.add_argument("--situacao", dest="situation")
    parser.add_argument("--porta", dest="port", default="8080")
    parser.add_argument("--variante", dest="variant", action="append", default=[])
    parser.add_argument("--pagina", dest="page")
    parser.add_argument("--simular", dest="dry_run", action="store_true")
    parser.add_argument("--desfazer", dest="undo")
    parser.add_argument("-h", "--help", "--ajuda", action="help")
    args = parser.parse_args(argv)
    if args.undo is not None:
        if args.name or args.situation or args.variant or args.page:
            raise UsageError("--desfazer não se combina com outras opções.")
        args.name = _snippet_name(args.undo)
        return args
    if args.name is None:
        raise UsageError("diga o nome do exemplo: ÁREA/NOME.py.")
    name = args.name.replace("\\", "/").removeprefix("snippets/")
    if args.page is not None:
        area = area_of(args.page)
        if STEM.fullmatch(name):
            name = f"{area}/{name}"
        elif name.split("/")[0] != area:
            raise UsageError(
                f"{args.page} mostra trechos de {area}/, não de "
                f"{name.split('/')[0]}/: use {area}/{Path(name).name}."
            )
    args.name = _snippet_name(name)
    if not PORT.fullmatch(args.port) or not 1 <= int(args.port) <= 65535:
        raise UsageError(f"--porta deve ser um número de 1 a 65535, não {args.port!r}.")
    if args.situation is None:
        raise UsageError(
            "diga a situação da execução principal: --situacao S "
            "(ex.: --situacao refused, nada escutando na porta)."
        )
    args.situation = _situation(args.situation, "--situacao")
    args.variants = {}
    for spec in args.variant:
        name, sign, situation = spec.partition("=")
        if not sign or not situation:
            raise UsageError(
                f"a variante {name!r} precisa de uma situação explícita: "
                f"--variante {name or 'NOME'}=SITUAÇÃO (ex.: servidor_ativo=http). "
                "A saída gravada é o que a página vai afirmar."
            )
        if not VARIANT.fullmatch(name) or name == "main" or name in args.variants:
            raise UsageError(f"nome de variante inválido ou repetido: {name[:80]!r}.")
        args.variants[name] = _situation(situation, f"--variante {name}")
        if situation == args.situation:
            raise UsageError(
                f"a variante {name!r} usa a mesma situação da execução principal "
                f"({situation!r}): a saída seria a mesma."
            )
    if (SNIPPETS / args.name).exists():
        raise UsageError(f"snippets/{args.name} já existe: escolha outro nome.")
    if args.name in table_rows(TABLE.read_text(encoding="utf-8")):
        raise UsageError(
            f"{args.name} já tem um cenário em tests/scenarios.py: escolha outro nome."
        )
    return args


def _snippet_name(name: str) -> str:
    name = name.replace("\\", "/").removeprefix("snippets/")
    if not NAME.fullmatch(name):
        raise UsageError(
            f"nome inválido: {name[:80]!r}. Use ÁREA/NOME.py dentro de snippets/, "
            "com letras minúsculas, números e _, até 64 caracteres por parte "
            "(ex.: armadilhas/porta_errada.py)."
        )
    if Path(name).parts[0] == OUTPUTS.name:
        raise UsageError(
            f"snippets/{OUTPUTS.name}/ guarda as saídas registradas; "
            "escolha outra área."
        )
    if ignored_by_git(f"snippets/{name}"):
        raise UsageError(
            f"snippets/{name} seria ignorado pelo git (.gitignore): o commit "
            "ficaria sem o arquivo. Escolha outra área."
        )
    return name


README = ROOT / "tests" / "README.md"
GUIDE = ROOT / "CONTRIBUTING.md"
README_SECTION = "## Situações (`situations.py`)"
GUIDE_LIST = "dicionário `SITUATIONS` do fim"


def listed_situations() -> dict[Path, str]:
    """tests/README.md's table and CONTRIBUTING.md's list with every entry
    of ``SITUATIONS`` (new ones added at the end from their docstring); only
    the files that change."""
    known = situations()
    changed = {}
    readme = README.read_text(encoding="utf-8")
    head, _, rest = readme.partition(README_SECTION)
    section, sep, tail = rest.partition("\n## ")
    table = [line for line in section.splitlines() if line.startswith("| `")]
    present = set(re.findall(r"`(\w+)`", " ".join(t.split("|")[1] for t in table)))
    missing = [name for name in known if name not in present]
    if table and missing:
        rows = []
        for name in missing:
            speaks = getattr(known[name], "speaks", None)
            summary = getattr(known[name], "summary", "")
            rows.append(
                f"| `{name}` | {f'`{speaks}`' if speaks else '—'} | {summary} |"
            )
        last = table[-1]
        section = section.replace(last, "\n".join([last, *rows]), 1)
        changed[README] = head + README_SECTION + section + sep + tail
    guide = GUIDE.read_text(encoding="utf-8")
    before, sep, after = guide.partition(GUIDE_LIST)
    paragraph, end, remainder = after.partition("\n\n")
    present = set(re.findall(r"`(\w+)`", paragraph))
    missing = [name for name in known if name not in present]
    if sep and missing and paragraph.endswith("."):
        added = "".join(f", `{name}`" for name in missing)
        paragraph = paragraph[:-1] + added + "."
        changed[GUIDE] = before + sep + paragraph + end + remainder
    return changed


def run_text(port: int, situation: str) -> str:
    refuses = getattr(situations()[situation], "refuses", False)
    timing = ", max_seconds=INSTANT" if refuses else ""
    return f'Run(ports={{{port}: "{situation}"}}{timing})'


def row(name: str, port: int, situation: str, variants: dict[str, str]) -> str:
    lines = ["    Scenario(", f'        "{name}",']
    lines.append(f"        main={run_text(port, situation)},")
    if variants:
        lines.append("        variants={")
        lines += [
            f'            "{v}": {run_text(port, s)},' for v, s in variants.items()
        ]
        lines.append("        },")
    lines.append("    ),")
    return "\n".join(lines) + "\n"


def _ruff_format(text: str) -> str:
    """The table as ``ruff format`` leaves it (unchanged if ruff is missing)."""
    try:
        from ruff.__main__ import find_ruff_bin

        result = subprocess.run(
            [find_ruff_bin(), "format", "--stdin-filename", str(TABLE), "-"],
            input=text,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
    except (ImportError, OSError, subprocess.CalledProcessError):
        return text
    return result.stdout


def new_table(name: str, port: int, situation: str, variants: dict[str, str]) -> str:
    """The table with the new row after the last row of the same area (its
    page's group), or above the sentinel line when the area is new."""
    text = TABLE.read_text(encoding="utf-8")
    if text.count(SENTINEL) != 1:
        raise UsageError(
            "tests/scenarios.py não tem a linha que marca onde entram novos "
            f"cenários: {SENTINEL.strip()!r}. Restaure-a."
        )
    area = name.split("/")[0]
    same_area = [
        end
        for snippet, (_, end) in table_rows(text).items()
        if snippet.split("/")[0] == area
    ]
    lines = text.splitlines(keepends=True)
    if same_area:
        after = max(same_area)
        lines.insert(after, row(name, port, situation, variants))
        text = "".join(lines)
    else:
        text = text.replace(SENTINEL, row(name, port, situation, variants) + SENTINEL)
    text = _ruff_format(text)
    compile(text, str(TABLE), "exec")  # never leave a table that cannot import
    return text


def table_without(name: str) -> str | None:
    """The table without ``name``'s row (None: it has none)."""
    text = TABLE.read_text(encoding="utf-8")
    span = table_rows(text).get(name)
    if span is None:
        return None
    lines = text.splitlines(keepends=True)
    del lines[span[0] - 1 : span[1]]
    return "".join(lines)


@contextlib.contextmanager
def written(files: dict[Path, str | None]) -> Iterator[None]:
    """Write (or, for ``None``, delete) every file, or none: on any error
    inside, restore what was there."""
    before = {p: p.read_text(encoding="utf-8") if p.exists() else None for p in files}
    done: list[Path] = []
    try:
        for path, text in files.items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_name(f".{path.name}.novo")
                temporary.write_text(text, encoding="utf-8")
                os.replace(temporary, path)
            done.append(path)
        yield
    except BaseException:
        for path in done:
            previous = before[path]
            if previous is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(previous, encoding="utf-8")
        for path in files:
            path.with_name(f".{path.name}.novo").unlink(missing_ok=True)
        raise


def pages_showing(area: str) -> list[str]:
    """Pages (relative to the repository) that already include ``area``'s files."""
    pages = {
        page
        for page in markdown_sources()
        if page.is_relative_to(DOCS)
        and any(inc.path.startswith(f"{area}/") for inc in includes(page))
    }
    return sorted(page.relative_to(ROOT).as_posix() for page in pages)


def where_to_include(area: str, page: str | None = None) -> str:
    if page is not None:
        return f"A página: {page}"
    pages = pages_showing(area)
    if not pages:
        return (
            f"Nenhuma página inclui trechos de {area}/ ainda: crie a página em\n"
            "   docs/ e acrescente-a ao nav do mkdocs.yml."
        )
    listed = "".join(f"\n     - {page}" for page in pages)
    return f"Páginas que já mostram trechos de {area}/:{listed}"


def next_steps(name: str, variants: dict[str, str], page: str | None = None) -> str:
    area, stem = name.split("/")[0], Path(name).stem
    shown = "".join(
        f"""
   e, para mostrar a saída da variante {variant}:

   ```text
   --8<-- "saidas/{name.removesuffix(".py")}.{variant}.txt"
   ```
"""
        for variant in variants
    )
    return f"""\
Criado: snippets/{name}
Cenário acrescentado a: tests/scenarios.py
(para desfazer: python -m scripts.scaffold --desfazer {name})

Próximos passos:
1. Escreva o exemplo em snippets/{name}
   Troque o comentário do topo por uma frase sobre o que ele mostra e mantenha
   with, timeout e o except mais específico.
2. Inclua-o na página certa. {where_to_include(area, page)}
   Cole, no ponto do texto em que o exemplo entra:

   ```python title="{name}"
   --8<-- "{name}"
   ```
{shown}
3. Grave e confira só este exemplo (segundos, não minutos):
   .venv/bin/python -m pytest -k {stem} --update-examples
   .venv/bin/python -m pytest -k {stem}
   Leia o que foi gravado (os comentários #> e snippets/saidas/): é o que a
   página vai afirmar.
4. Antes do pull request, a suíte inteira:  .venv/bin/python -m pytest
5. Veja a página:  NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs serve
"""


def error(text: str) -> None:
    """Print to stderr, if there is one (a closed stream is ``None``)."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            print(text, file=sys.stderr)


def show(text: str) -> None:
    """Print to stdout; OSError (closed, broken) or UnicodeError otherwise."""
    if sys.stdout is None:
        raise OSError("a saída padrão está fechada")
    sys.stdout.write(text)
    sys.stdout.flush()


def interrupted() -> str | None:
    """The name a killed run was creating, if one was."""
    try:
        return JOURNAL.read_text(encoding="utf-8").strip() or "?"
    except FileNotFoundError:
        return None


def undo(name: str) -> int:
    """Remove ``name``'s snippet (while it still has the template's
    placeholder) and its row; also what a killed run left."""
    snippet = SNIPPETS / name
    if snippet.exists() and PLACEHOLDER not in snippet.read_text(encoding="utf-8"):
        raise UsageError(
            f"snippets/{name} já foi editado: apague-o você mesmo (git status "
            "mostra o que mudou) e rode --desfazer de novo para tirar a linha."
        )
    table = table_without(name)
    if not snippet.exists() and table is None:
        JOURNAL.unlink(missing_ok=True)
        raise UsageError(f"nada a desfazer: nem snippets/{name} nem a linha dele.")
    changes: dict[Path, str | None] = {snippet: None}
    if table is not None:
        changes[TABLE] = table
    with written(changes):
        JOURNAL.unlink(missing_ok=True)
    show(f"Desfeito: snippets/{name} e a linha dele em tests/scenarios.py.\n")
    return 0


def create(args: argparse.Namespace) -> int:
    port = int(args.port)
    table = new_table(args.name, port, args.situation, args.variants)
    snippet = TEMPLATE.format(port=port, stem=Path(args.name).stem)
    if args.dry_run:
        show(
            f"Simulação: nada foi gravado.\nSeria criado: snippets/{args.name}\n"
            "Linha que entraria em tests/scenarios.py:\n"
            + row(args.name, port, args.situation, args.variants)
        )
        return 0
    lists = listed_situations()
    JOURNAL.write_text(args.name + "\n", encoding="utf-8")
    try:
        with written({SNIPPETS / args.name: snippet, TABLE: table, **lists}):
            show(next_steps(args.name, args.variants, args.page))
            for path in lists:
                where = path.relative_to(ROOT).as_posix()
                show(f"Situação nova listada em {where}: revise a descrição.\n")
    except BaseException:
        JOURNAL.unlink(missing_ok=True)  # nothing was left: written() undid it
        raise
    JOURNAL.unlink(missing_ok=True)
    return 0


def main(argv: list[str]) -> int:
    if sys.stderr is not None:
        with contextlib.suppress(AttributeError, ValueError):
            sys.stderr.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        pending = interrupted()
        if pending is not None and "--desfazer" not in argv:
            raise UsageError(
                f"uma execução anterior foi interrompida ao criar {pending}. "
                f"Rode: python -m scripts.scaffold --desfazer {pending} "
                "e depois repita o comando."
            )
        args = parse(argv)
        if args.undo is not None:
            return undo(args.name)
        return create(args)
    except SystemExit as exc:  # --ajuda: the help is printed
        return int(exc.code or 0)
    except UsageError as exc:
        error(f"erro: {exc}")
        error(USAGE)
        return 2
    except (OSError, UnicodeError) as exc:
        if isinstance(exc, UnicodeError):
            error(
                "erro: a saída não aceita os acentos do português "
                f"({sys.stdout.encoding if sys.stdout else '?'}); nada foi "
                "gravado. Use um terminal em UTF-8 (ex.: PYTHONIOENCODING=utf-8)."
            )
        else:
            error(f"erro: nada foi gravado ({type(exc).__name__}: {exc}).")
        return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
