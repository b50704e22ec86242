"""A search index that forgives, shaped after the build.

    python overrides/hooks/search_index.py SITE_DIR DOCS_DIR

Works on the built site alone (the MkDocs hook ``search.py`` calls it after
the build; after another generator, run it by hand), on an index in Material's
format (``search/search_index.json``: ``{"config": ..., "docs": [{"location",
"title", "text"}, ...]}``) or in Zensical's (``search.json``, ``"items"``):

- **Trimmed**: the listings of programs (``language-python``, ``language-bash``
  code blocks, found in each page's HTML) leave the index; recorded outputs and
  messages (``text`` blocks), data and prose stay. Readers search messages and
  words, and a result showing a whole listing helps nobody.
- **Accents folded**: a word written with accents is also stored without them
  (``contêiner`` -> ``conteiner``), so a query typed on a phone or a US
  keyboard finds it.
- **Synonyms**: the English word a reader types is stored where a page writes
  the Portuguese term (``search_synonyms.yml``: ``backoff`` where a page says
  "recuo exponencial").

What is added goes into two fields of each entry that the theme indexes but
never shows (``config.fields``): one weighed like the title, one like the
text. Nothing runs in the reader's browser but the theme's own search.
Zensical's search indexes only a title, a text and a path: there the step
trims the listings and adds nothing (a word added would show in the results).
"""

from __future__ import annotations

import html
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SYNONYMS = HERE / "search_synonyms.yml"
# Code blocks whose language is a program: their listing leaves the index.
PROGRAMS = {"python", "py", "pycon", "bash", "sh", "shell", "console", "powershell"}
# The hidden fields, weighed like the title and like the text.
TITLE_FIELD, TEXT_FIELD = "title_forms", "text_forms"
BLOCK = re.compile(
    r'<div class="language-(?P<lang>[\w-]+)[^"]*highlight">(?:(?!<pre).)*'
    r"<pre[^>]*>(?P<code>.*?)</pre>",
    re.DOTALL,
)
INDEXED_BLOCK = re.compile(r"<pre><code>(?P<code>.*?)</code></pre>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")
STOP_WORDS = re.compile(r'generateStopWordFilter\("([^"]+)"')
SPACE = re.compile(r"\s+")


@dataclass
class Report:
    before: int  # bytes of the index as the generator wrote it
    after: int
    dropped: int  # program listings left out
    kept: int  # code blocks kept (outputs, messages, data)
    hidden: bool  # folded forms, synonyms and answers added (hidden fields)


def fold(text: str) -> str:
    """``Exceção`` -> ``excecao``: lower case, without accents."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def plain(markup: str) -> str:
    return html.unescape(TAG.sub(" ", markup))


def _key(code: str) -> str:
    return SPACE.sub("", plain(code))


def synonyms() -> list[tuple[str, list[tuple[str, bool]]]]:
    """(English word, the words of one Portuguese phrase as (folded, prefix))."""
    data = yaml.safe_load(SYNONYMS.read_text(encoding="utf-8"))
    rules = []
    for word, phrases in data.items():
        for phrase in phrases:
            parts = [
                (fold(part.rstrip("*")), part.endswith("*"))
                for part in re.split(r"[\s\-]+", str(phrase))
                if len(part.rstrip("*")) > 2  # stop words such as "de"
            ]
            rules.append((fold(str(word)), parts))
    return rules


def _matches(words: list[str], start: int, parts: list[tuple[str, bool]]) -> bool:
    if start + len(parts) > len(words):
        return False
    return all(
        words[start + k].startswith(part) if prefix else words[start + k] == part
        for k, (part, prefix) in enumerate(parts)
    )


def stop_words(site: Path, lang: str) -> set[str]:
    """The index language's stop words, from the theme's lunr stemmer, folded."""
    stemmer = site / "assets" / "javascripts" / "lunr" / "min" / f"lunr.{lang}.min.js"
    if not stemmer.is_file():
        return set()
    found = STOP_WORDS.search(stemmer.read_text(encoding="utf-8"))
    return {fold(word) for word in found[1].split()} if found else set()


class Shaper:
    def __init__(self, separator: str, stop: set[str]) -> None:
        # The theme's separator, read as JavaScript reads it (\w is ASCII there).
        self.split = re.compile(separator, re.ASCII).split
        self.rules = synonyms()
        self.stop = stop

    def words(self, markup: str) -> list[str]:
        return [w for w in self.split(plain(markup)) if w]

    def forms(self, markup: str) -> str:
        """The folded forms and synonyms of the words in ``markup``, each once."""
        words = self.words(markup)
        folded = [fold(w) for w in words]
        found = dict.fromkeys(
            f
            for w, f in zip(words, folded, strict=True)
            if f != w.lower() and f not in self.stop
        )
        significant = [w for w in folded if len(w) > 2]
        starts: dict[str, list[int]] = {}  # word -> where it stands
        for i, word in enumerate(significant):
            starts.setdefault(word, []).append(i)
        for synonym, parts in self.rules:
            if not parts:
                continue
            first, prefix = parts[0]
            candidates = (
                [i for w, at in starts.items() if w.startswith(first) for i in at]
                if prefix
                else starts.get(first, [])
            )
            if any(_matches(significant, i, parts) for i in candidates):
                found[synonym] = None
        return " ".join(found)


def program_listings(page: Path) -> set[str]:
    """The program listings shown on a built page, as the index would hold them."""
    if not page.is_file():
        return set()
    text = page.read_text(encoding="utf-8")
    return {
        _key(block["code"])
        for block in BLOCK.finditer(text)
        if block["lang"] in PROGRAMS
    }


def program_sources(docs: Path) -> set[str]:
    """Every program of ``snippets/`` as the index would hold its whole listing:
    a page may show one as plain text (a long listing without colours), and
    it is still a listing, not an output."""
    snippets = docs.parent / "snippets"
    return {
        _key(html.escape(path.read_text(encoding="utf-8")))
        for path in snippets.rglob("*.py")
        if "__pycache__" not in path.parts
    }


def page_file(site: Path, location: str) -> Path:
    path = location.split("#")[0]
    return site / path / "index.html" if not path.endswith(".html") else site / path


def page_url(page: Path, docs: Path) -> str:
    """``docs/armadilhas/udp.md`` -> ``armadilhas/udp/``; ``docs/index.md`` -> ""."""
    parts = list(page.relative_to(docs).with_suffix("").parts)
    if parts[-1] == "index":
        parts.pop()
    return "".join(f"{part}/" for part in parts)


def front_matter(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    return yaml.safe_load(text[4 : text.index("\n---", 4)]) or {}


def answers(docs: Path) -> dict[str, str]:
    """Page URL -> the messages it answers (front matter ``search: answers:``).

    A page that answers a message in general (the generic fix for a bare
    ``Connection refused``) lists it, so the message finds the page as a
    title would, without showing the list anywhere.
    """
    found = {}
    for page in sorted(docs.rglob("*.md")):
        listed = (front_matter(page).get("search") or {}).get("answers") or []
        if listed:
            found[page_url(page, docs)] = " ".join(str(m) for m in listed)
    return found


INDEXES = ("search/search_index.json", "search.json")  # Material, Zensical


def find_index(site: Path) -> Path | None:
    return next((site / i for i in INDEXES if (site / i).is_file()), None)


def shape(site: Path, index_path: Path, docs: Path) -> Report:
    """Trim and enrich the index at ``index_path`` of the built ``site``."""
    listed = answers(docs)
    raw = index_path.read_text(encoding="utf-8")
    index = json.loads(raw)
    config = index["config"]
    hidden = "docs" in index  # Material's lunr indexes the fields config names
    entries = index["docs"] if hidden else index["items"]
    shaper = Shaper(config["separator"], stop_words(site, config["lang"][0]))
    if hidden:
        fields = config.setdefault("fields", {})
        fields[TITLE_FIELD] = {"boost": fields.get("title", {}).get("boost", 1000)}
        fields[TEXT_FIELD] = {"boost": fields.get("text", {}).get("boost", 1)}
    listings: dict[str, set[str]] = {}
    whole_programs = program_sources(docs)
    dropped = kept = 0
    for doc in entries:
        page = doc["location"].split("#")[0]
        if page not in listings:
            listings[page] = program_listings(page_file(site, page))

        def trim(block: re.Match[str], programs: set[str] = listings[page]) -> str:
            nonlocal dropped, kept
            key = _key(block["code"])
            if key in programs or key in whole_programs:
                dropped += 1
                return ""
            kept += 1
            return block[0]

        doc["text"] = INDEXED_BLOCK.sub(trim, doc["text"]).strip()
        if not hidden:
            continue
        listed_here = listed.get(doc["location"], "")
        extra = {
            TITLE_FIELD: " ".join(dict.fromkeys(shaper.words(listed_here.lower()))),
            TEXT_FIELD: "",
        }
        sources = {
            TITLE_FIELD: f"{doc['title']} {listed_here}",
            TEXT_FIELD: doc["text"],
        }
        for field, source in sources.items():
            words = f"{extra[field]} {shaper.forms(source)}".strip()
            if words:
                doc[field] = words
    out = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    index_path.write_text(out, encoding="utf-8")
    return Report(len(raw.encode()), len(out.encode()), dropped, kept, hidden)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not all(Path(a).is_dir() for a in argv):
        print(
            "uso: python overrides/hooks/search_index.py PASTA_DO_SITE PASTA_DOCS",
            file=sys.stderr,
        )
        return 2
    site, docs = map(Path, argv)
    index_path = find_index(site)
    if index_path is None:
        where = ", ".join(INDEXES)
        print(f"erro: nenhum índice de busca em {site} ({where})", file=sys.stderr)
        return 2
    report = shape(site, index_path, docs)
    print(
        f"{index_path}: {report.before} -> {report.after} bytes; "
        f"{report.dropped} listagens de programas fora, {report.kept} blocos mantidos"
        + ("" if report.hidden else "; sem campos ocultos (acentos, sinônimos)")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
