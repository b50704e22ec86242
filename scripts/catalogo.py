"""Write the catalogue page from its data: python -m scripts.catalogo

``tests/data/catalogo.yml`` lists the situations in which Python programmers
report the refusal, each with its public reports and the page that answers
it; ``docs/catalogo.md`` ("Onde a recusa aparece") is rendered from it. The
data stays out of ``docs/``, which is published as it is. Messages are pt-BR:
this is the contributor's tool.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from tests.site import DOCS, ROOT

DATA = ROOT / "tests" / "data" / "catalogo.yml"
PAGE = DOCS / "catalogo.md"
ORIGINS = {"python": "Python", "outro": "outro programa"}
GITHUB_THREAD = re.compile(
    r"^/(?P<repo>[^/]+/[^/]+)/(?:issues|pull)/(?P<number>\d+)/?$"
)
TITLE = re.compile(r"^# (?P<title>.+?)\s*$", re.MULTILINE)


def load(path: Path = DATA) -> dict[str, Any]:
    """The catalogue as written in ``path``."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def page_title(path: Path) -> str | None:
    """The ``#`` title of a page under ``docs/`` (None: no such page yet)."""
    if not path.is_file():
        return None
    found = TITLE.search(path.read_text(encoding="utf-8"))
    return found["title"] if found else path.stem


def reference(target: str) -> str:
    """A link to the page that answers, or its path while it is not written."""
    path = target.partition("#")[0]
    title = page_title(DOCS / path)
    if title is None:
        return f"`{path}` (em preparo)"
    return f"[{title}]({target})"


def report_label(url: str) -> str:
    """``owner/repo#N`` for a GitHub thread; the site's name for a page."""
    parts = urlparse(url)
    thread = GITHUB_THREAD.match(parts.path) if parts.netloc == "github.com" else None
    if thread:
        return f"{thread['repo']}#{thread['number']}"
    return parts.netloc.removeprefix("www.")


def render(data: dict[str, Any]) -> str:
    """The Markdown of ``docs/catalogo.md``."""
    situations = data["situacoes"]
    reports = sum(len(s["relatos"]) for s in situations)
    lines = [
        "---",
        "description: Onde desenvolvedores Python relatam a recusa, por situação "
        "— quantos relatos públicos achamos de cada uma e a página que responde.",
        # Every message is named here: in the search, this list would outrank
        # the pages that answer. It is reached from the message index.
        "search: { exclude: true }",
        "---",
        "",
        "<!-- Gerado de tests/data/catalogo.yml por: python -m scripts.catalogo -->",
        "",
        "# Onde a recusa aparece",
        "",
        f"Esta lista reúne {reports} relatos públicos da recusa (fios de issues",
        "e pull requests no GitHub, perguntas e respostas e artigos), encontrados",
        f"numa pesquisa feita em {data['pesquisa']}, agrupados em",
        f"{len(situations)} situações e ordenados pelo número de relatos. O número",
        "diz o que a pesquisa encontrou, não quantas vezes cada caso acontece. Em",
        "*Quem relata*, \u201coutro programa\u201d é a recusa escrita por outro",
        "programa (um proxy reverso, o `ssh`, o `kubectl`) diante de um serviço",
        "Python.",
        "",
        "Não achou o seu caso? Comece pelo [Índice de mensagens](mensagens.md) e pelos",
        "[Primeiros passos](servicos/index.md#primeiros-passos).",
        "",
        "| Nº | Situação | Quem relata | Relatos | Onde está a resposta |",
        "|---|---|---|---|---|",
    ]
    for number, situation in enumerate(situations, 1):
        count = len(situation["relatos"])
        lines.append(
            f"| {number} | {situation['situacao']} | {ORIGINS[situation['origem']]} "
            f"| [{count}](#relatos-{situation['id']}) "
            f"| {reference(situation['pagina'])} |"
        )
    lines += ["", "## Os relatos { #relatos }", ""]
    for number, situation in enumerate(situations, 1):
        lines += [
            f"### {number}. {situation['situacao']} {{ #relatos-{situation['id']} }}",
            "",
        ]
        lines += [f"- [`{report_label(url)}`]({url})" for url in situation["relatos"]]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv:
        print("uso: python -m scripts.catalogo (sem argumentos)", file=sys.stderr)
        return 2
    try:
        data = load()
        text = render(data)
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        print(f"não foi possível ler {DATA.relative_to(ROOT)}: {exc}", file=sys.stderr)
        return 2
    PAGE.write_text(text, encoding="utf-8")
    print(
        f"{PAGE.relative_to(ROOT)} gravado: {len(data['situacoes'])} situações, "
        f"{sum(len(s['relatos']) for s in data['situacoes'])} relatos."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
