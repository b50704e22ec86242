"""The message reader's table as data, and an llms.txt at the site root.

The table of patterns lives in ``snippets/diagnostico.py`` (one file a reader
can copy); the build writes it to ``diagnostico/padroes.json``, a stable URL
that the reader page (``docs/assets/leitor.js``) loads when it reads a
message. ``llms.txt`` points at the reader, the message index and every page.
"""

from __future__ import annotations

import html
import importlib.util
import json
import sys
from pathlib import Path

from mkdocs.structure.files import File, Files

SNIPPETS = Path(__file__).resolve().parents[2] / "snippets"
TABLE_URI = "diagnostico/padroes.json"
READER_URI = "diagnostico/leitor/"
INDEX_URI = "mensagens/"

_pages: list = []


def message_table() -> dict:
    """MESSAGE_TABLE of snippets/diagnostico.py, loaded from the file itself."""
    spec = importlib.util.spec_from_file_location(
        "_diagnostico_table", SNIPPETS / "diagnostico.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return {**module.MESSAGE_TABLE, "site": module.SITE_URL, "repo": module.REPO_URL}


def on_files(files: Files, config, **_: object) -> Files:
    content = json.dumps(message_table(), ensure_ascii=False, separators=(",", ":"))
    files.append(File.generated(config, TABLE_URI, content=content))
    return files


def on_nav(nav, **_: object):
    _pages[:] = nav.pages
    return nav


def llms_txt(config) -> str:
    site = config["site_url"]
    lines = [
        f"# {config['site_name']}",
        "",
        f"> {' '.join(config['site_description'].split())}",
        "",
        "Páginas em português do Brasil. Cada trecho de código é um arquivo "
        "testado contra sockets reais; as mensagens foram gravadas das "
        "bibliotecas reais.",
        "",
        "## Ler uma mensagem",
        "",
        f"- [Ler uma mensagem]({site}{READER_URI}): cole um erro de conexão e "
        "veja o tipo, quem recusou, onde e o que fazer",
        f"- [Tabela de padrões (JSON)]({site}{TABLE_URI}): a mesma tabela que "
        "a página e o comando de diagnóstico leem",
        f"- [Índice de mensagens]({site}{INDEX_URI}): as mensagens de cada "
        "biblioteca, exatamente como aparecem",
        "",
        "## Páginas",
        "",
    ]
    for page in _pages:
        description = html.unescape(str(page.meta.get("description") or ""))
        line = f"- [{page.title}]({site}{page.url})"
        if description:
            line += f": {' '.join(description.split())}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def on_post_build(config, **_: object) -> None:
    target = Path(config["site_dir"]) / "llms.txt"
    target.write_text(llms_txt(config), encoding="utf-8")
