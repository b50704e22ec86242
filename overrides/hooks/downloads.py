"""Every snippet shown whole on a page can be downloaded as the file itself.

The files are served at ``codigo/<path under snippets/>``, a stable URL.
After a fence that includes a whole ``.py`` file, the page gets a download
link; a file that imports a sibling module (``recipes``) also links to it,
since a reader who copies only the example would get ModuleNotFoundError.
"""

from __future__ import annotations

import ast
import posixpath
import re
from pathlib import Path

from mkdocs.structure.files import File, Files

SNIPPETS = Path(__file__).resolve().parents[2] / "snippets"
PREFIX = "codigo"
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})")
WHOLE_FILE = re.compile(r'^\s*-{1,}8<-{1,}\s+"(?P<path>[^":]+\.py)"\s*$')


def sources() -> dict[str, Path]:
    """Snippet files offered for download, by their path under snippets/."""
    return {
        path.relative_to(SNIPPETS).as_posix(): path
        for path in sorted(SNIPPETS.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def sibling_imports(path: Path) -> list[str]:
    """Top-level modules imported by ``path`` that live beside it in snippets/."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return sorted(n for n in names if (SNIPPETS / f"{n}.py").exists())


# The files of the current build (set by on_files, read for every page).
offered: dict[str, Path] = {}


def on_files(files: Files, config, **_: object) -> Files:
    offered.clear()
    offered.update(sources())
    for relative, path in offered.items():
        uri = f"{PREFIX}/{relative}"
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def _link(page_uri: str, relative: str, text: str) -> str:
    href = posixpath.relpath(f"{PREFIX}/{relative}", posixpath.dirname(page_uri))
    name = posixpath.basename(relative)
    return f'[{text}]({href}){{ download="{name}" }}'


def download_line(page_uri: str, relative: str) -> str:
    name = posixpath.basename(relative)
    line = _link(page_uri, relative, f"Baixar o arquivo `{name}`")
    needs = sibling_imports(SNIPPETS / relative)
    if needs:
        links = ", ".join(_link(page_uri, f"{n}.py", f"`{n}.py`") for n in needs)
        line += f" (precisa de {links} na mesma pasta)"
    return line


def on_page_markdown(markdown: str, page, **_: object) -> str:
    lines = markdown.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        opener = FENCE.match(line)
        include = WHOLE_FILE.match(lines[index + 1]) if index + 2 < len(lines) else None
        closer = FENCE.match(lines[index + 2]) if include else None
        if opener and include and closer and closer["fence"] == opener["fence"]:
            out.extend(lines[index : index + 3])
            if include["path"] in offered:
                link = download_line(page.file.src_uri, include["path"])
                indent = opener["indent"]
                out.extend(["", indent + link, indent + "{ .baixar }"])
            index += 3
            continue
        out.append(line)
        index += 1
    return "\n".join(out)
