"""Create a new example: the snippet file, its scenario, and what to do next.

    python -m tests.scaffold AREA/NOME.py [--porta 8080] [--situacao refused]

The snippet starts from a template that already follows the conventions
(``with``, timeout, narrowest exception); its scenario runs it against a
refused port and, as a variant, against a listening one. Messages are pt-BR:
this is the contributor's tool.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import tests.situations  # noqa: F401  (registers the situations)
from tests.loopback import SITUATIONS
from tests.scenarios import SNIPPETS

SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"
NAME = re.compile(r"^[a-z][a-z0-9_]*/[a-z][a-z0-9_]*\.py$")

TEMPLATE = """\
import socket

# {area}/{stem}.py: diga aqui, em uma frase, o que este exemplo mostra.
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", {port}))
        print("Conectado.")
    except ConnectionRefusedError:
        print("Conexão recusada.")
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
        main=Run(ports={{{port}: "{situation}"}}),
        variants={{"{variant}": Run(ports={{{port}: "{other}"}})}},
    )
)
"""


class UsageError(Exception):
    """A message for the contributor, in pt-BR."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own messages are English
        raise UsageError(f"argumentos inválidos ({message}).")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(
        prog="python -m tests.scaffold",
        description="Cria um exemplo novo em snippets/ e o cenário que o testa.",
    )
    parser.add_argument("nome", help="área/nome.py, por exemplo armadilhas/meu_caso.py")
    parser.add_argument("--porta", default="8080", help="porta documentada (8080)")
    parser.add_argument(
        "--situacao", default="refused", help="situação da execução principal"
    )
    args = parser.parse_args(argv)
    if not NAME.match(args.nome):
        raise UsageError(
            f"nome inválido: {args.nome!r}. Use área/nome.py, com letras "
            "minúsculas, números e _ (ex.: armadilhas/porta_errada.py)."
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
    return args


def create(name: str, port: int, situation: str) -> tuple[Path, str]:
    """Write the snippet and register its scenario.

    Returns the scenario module and the name of the variant (the same code in
    the opposite situation), whose output the page can show.
    """
    area, file_name = name.split("/")
    stem = file_name.removesuffix(".py")
    snippet = SNIPPETS / name
    snippet.parent.mkdir(parents=True, exist_ok=True)
    snippet.write_text(TEMPLATE.format(area=area, stem=stem, port=port), "utf-8")

    module = SCENARIOS_DIR / f"{area}.py"
    if not module.exists():
        module.write_text(MODULE_HEADER.format(area=area), encoding="utf-8")
    other = "listening" if situation != "listening" else "refused"
    variant = "servidor_ativo" if other == "listening" else "servidor_inativo"
    with module.open("a", encoding="utf-8") as file:
        file.write(
            SCENARIO.format(
                name=name, port=port, situation=situation, variant=variant, other=other
            )
        )
    return module, variant


def next_steps(name: str, module: Path, variant_file: str) -> str:
    return f"""\
Criado: snippets/{name}
Cenário registrado em: tests/scenarios/{module.name}

Próximos passos:
1. Escreva o exemplo em snippets/{name} (mantenha with, timeout e o except mais
   específico) e ajuste o cenário, se precisar de outra situação.
2. Inclua-o numa página de docs/:

   ```python title="{name}"
   --8<-- "{name}"
   ```

   e, se quiser mostrar a saída da variante:

   ```text
   --8<-- "{variant_file}"
   ```

3. Registre as saídas:  .venv/bin/python -m pytest --update-examples
4. Revise os comentários #> e o arquivo em snippets/saidas/, depois rode:
   .venv/bin/python -m pytest
5. Veja a página:  NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs serve
"""


def main(argv: list[str]) -> int:
    try:
        args = parse(argv)
    except UsageError as exc:
        print(f"erro: {exc}", file=sys.stderr)
        print(
            "uso: python -m tests.scaffold AREA/NOME.py [--porta N] [--situacao S]",
            file=sys.stderr,
        )
        return 2
    module, variant = create(args.nome, int(args.porta), args.situacao)
    variant_file = f"saidas/{args.nome.removesuffix('.py')}.{variant}.txt"
    print(next_steps(args.nome, module, variant_file))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
