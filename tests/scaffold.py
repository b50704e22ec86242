"""Create a new example: the snippet file, its scenario, and what to do next.

    python -m tests.scaffold AREA/NOME.py [--porta 8080] [--situacao refused]

The snippet starts from a template that already follows the conventions
(``with``, timeout, narrowest exception) and has a ``#>`` line where its
recorded output goes; its scenario runs it in the chosen situation and, as a
variant, in the opposite one. Messages are pt-BR: this is the contributor's
tool.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import tests.situations  # noqa: F401  (registers the situations)
from tests.loopback import SITUATIONS
from tests.scenarios import BY_SNIPPET, OUTPUTS, SNIPPETS
from tests.site import DOCS, includes, markdown_sources

SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"
NAME = re.compile(r"^[a-z][a-z0-9_]*/[a-z][a-z0-9_]*\.py$")
USAGE = "uso: python -m tests.scaffold ÁREA/NOME.py [--porta N] [--situacao S]"
HELP = f"""\
{USAGE}

Cria snippets/ÁREA/NOME.py a partir de um modelo, registra o cenário que o
testa em tests/scenarios/ÁREA.py e mostra o bloco a colar na página.

  ÁREA/NOME.py     letras minúsculas, números e _ (ex.: armadilhas/porta_errada.py)
  --porta N        porta documentada no exemplo (padrão: 8080)
  --situacao S     situação da porta na execução principal (padrão: refused)
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
        #> (a saída é gravada por: python -m pytest --update-examples)
"""

MODULE_HEADER = '''\
"""Scenarios for the snippets in snippets/{area}/."""

from tests.scenarios import Run, Scenario

SCENARIOS: list[Scenario] = []
'''

SCENARIO = """
SCENARIOS.append(
    Scenario(
        "{name}",
        main=Run(ports={{{port}: "{situation}"}}{timing}),
        variants={{"{variant}": Run(ports={{{port}: "{other}"}})}},
    )
)
"""

# A refusal on loopback is immediate: the scenario states that timing class.
TIMED = {"refused"}
SCENARIOS_IMPORT = re.compile(r"^from tests\.scenarios import ([\w, ]+)$", re.MULTILINE)


class UsageError(Exception):
    """A message for the contributor, in pt-BR."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own messages are English
        raise UsageError(f"argumentos inválidos ({message}).")

    def format_help(self) -> str:
        return HELP


def parse(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="python -m tests.scaffold", add_help=False)
    parser.add_argument("nome")
    parser.add_argument("--porta", default="8080")
    parser.add_argument("--situacao", default="refused")
    parser.add_argument("-h", "--help", "--ajuda", action="help")
    args = parser.parse_args(argv)
    # Accept what a shell completes or a Windows user types.
    args.nome = args.nome.replace("\\", "/").removeprefix("snippets/")
    if not NAME.match(args.nome):
        raise UsageError(
            f"nome inválido: {args.nome!r}. Use ÁREA/NOME.py dentro de snippets/, "
            "com letras minúsculas, números e _ (ex.: armadilhas/porta_errada.py)."
        )
    if Path(args.nome).parts[0] == OUTPUTS.name:
        raise UsageError(
            f"snippets/{OUTPUTS.name}/ guarda as saídas registradas; "
            "escolha outra área."
        )
    if not args.porta.isdigit() or not 1 <= int(args.porta) <= 65535:
        raise UsageError(
            f"--porta deve ser um número de 1 a 65535, não {args.porta!r}."
        )
    if args.situacao not in SITUATIONS:
        known = ", ".join(sorted(SITUATIONS))
        raise UsageError(
            f"situação desconhecida: {args.situacao!r}. Use uma de: {known}."
        )
    if (SNIPPETS / args.nome).exists():
        raise UsageError(f"snippets/{args.nome} já existe: escolha outro nome.")
    if args.nome in BY_SNIPPET:
        raise UsageError(
            f"{args.nome} já tem um cenário em tests/scenarios/: escolha outro nome."
        )
    return args


def _import_instant(module_text: str) -> str | None:
    """``module_text`` importing INSTANT too, or None if its import is unusual."""
    match = SCENARIOS_IMPORT.search(module_text)
    if not match:
        return None
    names = {name.strip() for name in match[1].split(",")} | {"INSTANT"}
    # ruff's isort order: CONSTANTS, then Classes, then functions.
    ordered = sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    line = f"from tests.scenarios import {', '.join(ordered)}"
    return module_text[: match.start()] + line + module_text[match.end() :]


def create(name: str, port: int, situation: str) -> tuple[Path, str]:
    """Write the snippet and register its scenario.

    Returns the scenario module and the name of the variant (the same code in
    the opposite situation), whose output the page can show.
    """
    area = name.split("/")[0]
    module = SCENARIOS_DIR / f"{area}.py"
    text = (
        module.read_text(encoding="utf-8")
        if module.exists()
        else MODULE_HEADER.format(area=area)
    )
    timing = ""
    if situation in TIMED:
        with_instant = _import_instant(text)
        if with_instant is not None:
            text, timing = with_instant, ", max_seconds=INSTANT"
    other = "listening" if situation != "listening" else "refused"
    variant = "servidor_ativo" if other == "listening" else "servidor_inativo"
    text += SCENARIO.format(
        name=name,
        port=port,
        situation=situation,
        timing=timing,
        variant=variant,
        other=other,
    )

    snippet = SNIPPETS / name
    snippet.parent.mkdir(parents=True, exist_ok=True)
    snippet.write_text(TEMPLATE.format(port=port), encoding="utf-8")
    module.write_text(text, encoding="utf-8")
    return module, variant


def pages_showing(area: str) -> list[str]:
    """Pages (relative to the repository) that already include ``area``'s files."""
    pages = {
        page
        for page in markdown_sources()
        if page.is_relative_to(DOCS)
        and any(inc.path.startswith(f"{area}/") for inc in includes(page))
    }
    return sorted(page.relative_to(DOCS.parent).as_posix() for page in pages)


def where_to_include(area: str) -> str:
    pages = pages_showing(area)
    if not pages:
        return (
            f"Nenhuma página inclui trechos de {area}/ ainda: crie a página em\n"
            "   docs/ e acrescente-a ao nav do mkdocs.yml."
        )
    if len(pages) == 1:
        return f"A página que já mostra os trechos de {area}/:\n     - {pages[0]}"
    listed = "".join(f"\n     - {page}" for page in pages)
    return f"Páginas que já mostram trechos de {area}/:{listed}"


def next_steps(name: str, module: Path, variant_file: str) -> str:
    area = name.split("/")[0]
    return f"""\
Criado: snippets/{name}
Cenário registrado em: tests/scenarios/{module.name}

Próximos passos:
1. Escreva o exemplo em snippets/{name}
   Troque o comentário do topo por uma frase sobre o que ele mostra e mantenha
   with, timeout e o except mais específico. Se precisar de outra situação,
   ajuste o cenário.
2. Inclua-o na página certa. {where_to_include(area)}
   Cole, no ponto do texto em que o exemplo entra:

   ```python title="{name}"
   --8<-- "{name}"
   ```

   e, para mostrar a saída da variante (o mesmo código na outra situação):

   ```text
   --8<-- "{variant_file}"
   ```

3. Grave as saídas:  .venv/bin/python -m pytest --update-examples
4. Leia o que foi gravado (os comentários #> e snippets/{variant_file}):
   é o que a página vai afirmar. Depois rode a suíte inteira:
   .venv/bin/python -m pytest
5. Veja a página:  NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs serve
"""


def main(argv: list[str]) -> int:
    try:
        args = parse(argv)
    except SystemExit as exc:  # --ajuda: the help is printed
        return int(exc.code or 0)
    except UsageError as exc:
        print(f"erro: {exc}", file=sys.stderr)
        print(USAGE, file=sys.stderr)
        return 2
    try:
        module, variant = create(args.nome, int(args.porta), args.situacao)
    except OSError as exc:
        print(f"erro: não foi possível gravar {exc.filename}: {exc}", file=sys.stderr)
        return 1
    variant_file = f"saidas/{args.nome.removesuffix('.py')}.{variant}.txt"
    print(next_steps(args.nome, module, variant_file))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
