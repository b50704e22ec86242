"""Build the site with Zensical and compare it with the MkDocs build.

    python scripts/compare_zensical.py --zensical PATH/TO/zensical

Zensical, from the authors of Material for MkDocs, reads the same
``mkdocs.yml``. This check proves the way off MkDocs 1.x stays open: both
builds must have the same pages, every snippet included on its page, the
recipes' reference rendered, and no request to a third party. Differences
that do not break the site are reported, not failed.

Without Zensical (not installed, or ``--zensical`` missing) the check is
skipped with the reason, unless ``REQUIRE_ZENSICAL=1`` (set by ``.ci/run``).
"""

from __future__ import annotations

import argparse
import gzip
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file
from tests.paths import ROOT  # noqa: E402

sys.path.insert(0, str(ROOT / "snippets"))
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))

from search_index import find_index, shape  # noqa: E402

from tests.site import DOCS, SNIPPETS, includes, section_names  # noqa: E402

COPIED = ["docs", "snippets", "overrides", "mkdocs.yml"]
TAG = re.compile(r"<[^>]+>")
# Elements that make the browser fetch something at view time.
FETCHING = re.compile(
    r"<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=\"(https?:)?//[^\"]+\""
    r"|<link\b(?=[^>]*\brel=\"(?:stylesheet|preload|preconnect|modulepreload|icon|"
    r"dns-prefetch|manifest)\")[^>]*\bhref=\"(?:https?:)?//[^\"]+\""
    r"|url\((['\"]?)(https?:)?//",
    re.IGNORECASE,
)
# What the MkDocs hooks in overrides/hooks/ leave in the built site.
HOOK_EFFECTS = {
    "codigo": "downloads dos trechos (codigo/)",
    "search/indice.json": "índice de busca carregado só na primeira busca",
}
MARKUP = re.compile(r"[`*_]")
SECTION_TITLE = re.compile(r'doc-section-title">([^<]+)<')


def page_html(site: Path, page: Path) -> Path:
    relative = page.relative_to(DOCS).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "index":
        parts.pop()
    return site.joinpath(*parts, "index.html")


def text_of(path: Path) -> str:
    return html.unescape(TAG.sub("", path.read_text(encoding="utf-8")))


def signature_line(snippet: Path, section: str | None) -> str | None:
    """The longest line of what the page includes: it must show up in the HTML."""
    lines = snippet.read_text(encoding="utf-8").splitlines()
    numbers = re.fullmatch(r"(\d*)(?::(\d*))?", section or "")
    if section and section in section_names(snippet):
        start = next(i for i, x in enumerate(lines) if f"[start:{section}]" in x)
        end = next(i for i, x in enumerate(lines) if f"[end:{section}]" in x)
        lines = lines[start + 1 : end]
    elif section and numbers:  # a line range, file.txt:START:END (from 1)
        first, last = numbers[1], numbers[2]
        lines = lines[int(first or 1) - 1 : int(last) if last else None]
    lines = [x.strip() for x in lines if x.strip() and "--8<--" not in x]
    if snippet.suffix == ".md":  # Markdown is rendered: compare its plain words
        lines = [MARKUP.sub("", x) for x in lines if not x.startswith("!!!")]
    return max(lines, key=len) if lines else None


def build(command: list[str], cwd: Path) -> str | None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        return f"{' '.join(command)} falhou:\n{result.stdout}{result.stderr}"
    return None


def compare(mkdocs_site: Path, zensical_site: Path) -> tuple[list[str], list[str]]:
    """(failures, known differences) between the two builds."""
    failures: list[str] = []
    notes: list[str] = []
    pages = sorted(DOCS.rglob("*.md"))
    for page in pages:
        name = page.relative_to(DOCS).as_posix()
        built = {
            tool: page_html(site, page)
            for tool, site in (("mkdocs", mkdocs_site), ("zensical", zensical_site))
        }
        missing = [tool for tool, path in built.items() if not path.is_file()]
        if missing:
            failures.append(f"{name}: página ausente em {', '.join(missing)}")
            continue
        texts = {tool: text_of(path) for tool, path in built.items()}
        for tool, text in texts.items():
            if "--8<--" in text:
                failures.append(f"{name}: inclusão não resolvida ({tool})")
        for inc in includes(page):
            line = signature_line(SNIPPETS / inc.path, inc.section)
            for tool, text in texts.items():
                if line and line not in text:
                    failures.append(f"{name}: {inc.path} não aparece ({tool})")
    for site, tool in ((mkdocs_site, "mkdocs"), (zensical_site, "zensical")):
        for path in site.rglob("*"):
            if path.suffix in (".html", ".css") and path.is_file():
                found = FETCHING.search(path.read_text(encoding="utf-8"))
                if found:
                    where = path.relative_to(site)
                    failures.append(f"{where}: requisição externa ({tool}): {found[0]}")

    import recipes

    reference = {
        tool: page_html(site, DOCS / "referencia.md").read_text(encoding="utf-8")
        for tool, site in (("mkdocs", mkdocs_site), ("zensical", zensical_site))
    }
    for tool, text in reference.items():
        for name in recipes.__all__:
            if f'id="recipes.{name}"' not in text:
                failures.append(f"referencia: recipes.{name} não renderizada ({tool})")
    titles = {
        tool: sorted(set(SECTION_TITLE.findall(t))) for tool, t in reference.items()
    }
    if titles["mkdocs"] != titles["zensical"]:
        notes.append(
            "referencia: títulos das seções das receitas diferem "
            f"(MkDocs {titles['mkdocs']}, Zensical {titles['zensical']})"
        )
    for marker, feature in HOOK_EFFECTS.items():
        if (mkdocs_site / marker).exists() and not (zensical_site / marker).exists():
            notes.append(f"{feature}: feito por um gancho do MkDocs (overrides/hooks/)")
    return failures, notes


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


def search_notes(mkdocs_site: Path, zensical_site: Path) -> list[str]:
    """What a Zensical build keeps of search, once the shaping step runs on it.

    Zensical runs no MkDocs hooks; ``overrides/hooks/search_index.py`` works
    on the built site alone, so it runs here on Zensical's output.
    """
    index = find_index(zensical_site)
    if index is None:
        return ["busca: o Zensical não gravou um índice de busca conhecido"]
    before = gzip_size(index)
    report = shape(zensical_site, index, DOCS)
    notes = [
        f"busca: índice do Zensical ({index.relative_to(zensical_site)}) com "
        f"{before} bytes (gzip); depois do passo de search_index.py, "
        f"{gzip_size(index)} bytes, sem {report.dropped} listagens de programas "
        f"(MkDocs: {gzip_size(mkdocs_site / 'search' / 'indice.json')} bytes)"
    ]
    if not report.hidden:
        notes.append(
            "busca: acentos, sinônimos e as mensagens que as páginas respondem "
            "só no MkDocs (a busca do Zensical indexa título, texto e caminho, "
            "e uma palavra acrescentada ao texto apareceria nos resultados)"
        )
    return notes


def skip(reason: str) -> int:
    if os.environ.get("REQUIRE_ZENSICAL") == "1":
        print(f"erro: {reason} (REQUIRE_ZENSICAL=1)", file=sys.stderr)
        return 1
    print(f"pulado: {reason}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zensical", default=shutil.which("zensical"))
    args = parser.parse_args(argv)
    if not args.zensical or not Path(args.zensical).exists():
        return skip("Zensical não está instalado")
    zensical = str(Path(args.zensical).absolute())  # the build runs elsewhere
    with tempfile.TemporaryDirectory() as work:
        project = Path(work) / "projeto"
        project.mkdir()
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, project / name)
            else:
                shutil.copy2(source, project / name)
        mkdocs_site = Path(work) / "mkdocs-site"
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict"]
        error = build([*mkdocs, "-d", str(mkdocs_site)], project)
        error = error or build([zensical, "build", "--strict"], project)
        if error:
            print(f"erro: {error}", file=sys.stderr)
            return 1
        failures, notes = compare(mkdocs_site, project / "site")
        notes += search_notes(mkdocs_site, project / "site")
    for note in notes:
        print(f"diferença conhecida: {note}")
    if failures:
        print("\n".join(f"erro: {failure}" for failure in failures), file=sys.stderr)
        return 1
    pages = len(list(DOCS.rglob("*.md")))
    print(f"Zensical e MkDocs: as mesmas {pages} páginas, inclusões e referência.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
