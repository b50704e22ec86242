"""Create a new example: the snippet file, its row in the scenario table, next steps.

    python -m scripts.scaffold AREA/NOME.py --situacao S [--porta N]
                               [--variante NOME=SITUACAO ...]

Every run names its situation explicitly: the main run (``--situacao``) and
each variant (``--variante servidor_ativo=http``). There is no default
variant, so nothing is recorded as "the server running" unless the
contributor says which server that is. Both files are written, or neither.
Messages are pt-BR: this is the contributor's tool.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.paths import DOCS, OUTPUTS, ROOT, SNIPPETS
from tests.scenarios import BY_SNIPPET
from tests.site import includes, markdown_sources
from tests.situations import SITUATIONS

TABLE = ROOT / "tests" / "scenarios.py"
SENTINEL = "    # New rows go above this line (the scaffold inserts them here).\n"
NAME = re.compile(r"[a-z][a-z0-9_]*/[a-z][a-z0-9_]*\.py")
VARIANT = re.compile(r"[a-z][a-z0-9_]*")
PORT = re.compile(r"[0-9]{1,5}")
USAGE = (
    "uso: python -m scripts.scaffold ÁREA/NOME.py --situacao S [--porta N] "
    "[--variante NOME=SITUAÇÃO ...]"
)
HELP = f"""\
{USAGE}

Cria snippets/ÁREA/NOME.py a partir de um modelo, acrescenta a linha que o
testa na tabela tests/scenarios.py e mostra o bloco a colar na página.

  ÁREA/NOME.py              letras minúsculas, números e _
                            (ex.: armadilhas/porta_errada.py)
  --situacao S              situação da porta na execução principal, cuja saída
                            fica nos comentários #> (ex.: refused)
  --porta N                 porta documentada no exemplo (padrão: 8080)
  --variante NOME=SITUAÇÃO  outra execução, gravada em snippets/saidas/;
                            repita para mais de uma. Sem variante, nada é gravado
                            além da execução principal.

Situações: {", ".join(SITUATIONS)}
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


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own messages are English
        raise UsageError(f"argumentos inválidos ({message}).")

    def format_help(self) -> str:
        return HELP


def _situation(name: str, where: str) -> str:
    if name not in SITUATIONS:
        known = ", ".join(SITUATIONS)
        raise UsageError(
            f"situação desconhecida em {where}: {name!r}. Use uma de: {known} "
            "(ou crie uma: veja 'Adicionar uma situação' no CONTRIBUTING.md)."
        )
    return name


def parse(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="python -m scripts.scaffold", add_help=False)
    parser.add_argument("nome")
    parser.add_argument("--situacao")
    parser.add_argument("--porta", default="8080")
    parser.add_argument("--variante", action="append", default=[])
    parser.add_argument("-h", "--help", "--ajuda", action="help")
    args = parser.parse_args(argv)
    # Accept what a shell completes or a Windows user types.
    args.nome = args.nome.replace("\\", "/").removeprefix("snippets/")
    if not NAME.fullmatch(args.nome):
        raise UsageError(
            f"nome inválido: {args.nome!r}. Use ÁREA/NOME.py dentro de snippets/, "
            "com letras minúsculas, números e _ (ex.: armadilhas/porta_errada.py)."
        )
    if Path(args.nome).parts[0] == OUTPUTS.name:
        raise UsageError(
            f"snippets/{OUTPUTS.name}/ guarda as saídas registradas; "
            "escolha outra área."
        )
    if not PORT.fullmatch(args.porta) or not 1 <= int(args.porta) <= 65535:
        raise UsageError(
            f"--porta deve ser um número de 1 a 65535, não {args.porta!r}."
        )
    if args.situacao is None:
        raise UsageError(
            "diga a situação da execução principal: --situacao S "
            "(ex.: --situacao refused, nada escutando na porta)."
        )
    args.situacao = _situation(args.situacao, "--situacao")
    args.variantes = {}
    for spec in args.variante:
        name, sign, situation = spec.partition("=")
        if not sign or not situation:
            raise UsageError(
                f"a variante {name!r} precisa de uma situação explícita: "
                f"--variante {name or 'NOME'}=SITUAÇÃO (ex.: servidor_ativo=http). "
                "A saída gravada é o que a página vai afirmar."
            )
        if not VARIANT.fullmatch(name) or name == "main" or name in args.variantes:
            raise UsageError(f"nome de variante inválido ou repetido: {name!r}.")
        args.variantes[name] = _situation(situation, f"--variante {name}")
        if situation == args.situacao:
            raise UsageError(
                f"a variante {name!r} usa a mesma situação da execução principal "
                f"({situation!r}): a saída seria a mesma."
            )
    if (SNIPPETS / args.nome).exists():
        raise UsageError(f"snippets/{args.nome} já existe: escolha outro nome.")
    if args.nome in BY_SNIPPET:
        raise UsageError(
            f"{args.nome} já tem um cenário em tests/scenarios.py: escolha outro nome."
        )
    return args


def run_text(port: int, situation: str) -> str:
    timing = ", max_seconds=INSTANT" if SITUATIONS[situation].refuses else ""
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
    text = TABLE.read_text(encoding="utf-8")
    if text.count(SENTINEL) != 1:
        raise UsageError(
            "tests/scenarios.py não tem a linha que marca onde entram novos "
            f"cenários: {SENTINEL.strip()!r}. Restaure-a."
        )
    text = text.replace(SENTINEL, row(name, port, situation, variants) + SENTINEL)
    text = _ruff_format(text)
    compile(text, str(TABLE), "exec")  # never leave a table that cannot import
    return text


@contextlib.contextmanager
def written(files: dict[Path, str]) -> object:
    """Write every file, or none: on any error inside, restore what was there."""
    before = {p: p.read_text(encoding="utf-8") if p.exists() else None for p in files}
    done: list[Path] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.novo")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)
            done.append(path)
        yield
    except BaseException:
        for path in done:
            if before[path] is None:
                path.unlink()
            else:
                path.write_text(before[path], encoding="utf-8")
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


def where_to_include(area: str) -> str:
    pages = pages_showing(area)
    if not pages:
        return (
            f"Nenhuma página inclui trechos de {area}/ ainda: crie a página em\n"
            "   docs/ e acrescente-a ao nav do mkdocs.yml."
        )
    listed = "".join(f"\n     - {page}" for page in pages)
    return f"Páginas que já mostram trechos de {area}/:{listed}"


def next_steps(name: str, variants: dict[str, str]) -> str:
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

Próximos passos:
1. Escreva o exemplo em snippets/{name}
   Troque o comentário do topo por uma frase sobre o que ele mostra e mantenha
   with, timeout e o except mais específico.
2. Inclua-o na página certa. {where_to_include(area)}
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


def main(argv: list[str]) -> int:
    try:
        args = parse(argv)
        port = int(args.porta)
        table = new_table(args.nome, port, args.situacao, args.variantes)
    except SystemExit as exc:  # --ajuda: the help is printed
        return int(exc.code or 0)
    except UsageError as exc:
        print(f"erro: {exc}", file=sys.stderr)
        print(USAGE, file=sys.stderr)
        return 2
    snippet = TEMPLATE.format(port=port, stem=Path(args.nome).stem)
    try:
        with written({SNIPPETS / args.nome: snippet, TABLE: table}):
            sys.stdout.write(next_steps(args.nome, args.variantes))
            sys.stdout.flush()
    except OSError as exc:
        with contextlib.suppress(OSError):
            print(f"erro: nada foi criado ({exc}).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
