"""Full-text search without its weight on every page view, and one that forgives.

Material fetches the whole search index (and starts its worker, which loads
the lunr stemmer) on every page load. This hook moves the index to
``search/indice.json``, leaves a stub with the search config in
``search/search_index.json`` and points the theme at a small stand-in worker
(``search_worker.js``) that loads the index and the real worker on the first
query. The page scripts prefetch the index when the search box is opened.

What the stand-in loads is ``search_forgiving.js``, which loads Material's
worker behind it: it folds accents, stores the English words of
``search_synonyms.yml`` next to the Portuguese terms the pages write, and
ranks a word found as typed above a word that merely starts with it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from mkdocs.plugins import event_priority

WORKERS = "assets/javascripts/workers"
LAZY_WORKER = f"{WORKERS}/search-lazy.js"
FORGIVING_WORKER = f"{WORKERS}/search-forgiving.js"
FULL_INDEX = "search/indice.json"
REAL_WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")
HERE = Path(__file__).parent
TEMPLATE = HERE / "search_worker.js"
FORGIVING = HERE / "search_forgiving.js"
SYNONYMS = HERE / "search_synonyms.yml"
# A word found as typed weighs this many times a word that starts with it.
EXACT_BOOST = 10
# A page's score is multiplied by (words it holds / words asked) ** this.
COORDINATION = 3


def synonyms() -> dict[str, list[str]]:
    """English word -> the Portuguese phrases that store it in the index."""
    data = yaml.safe_load(SYNONYMS.read_text(encoding="utf-8"))
    return {str(word): [str(p) for p in phrases] for word, phrases in data.items()}


def _point_to_lazy_worker(html: str) -> str:
    return REAL_WORKER.sub(LAZY_WORKER, html, count=1)


def on_post_page(output: str, **_: object) -> str:
    return _point_to_lazy_worker(output)


def on_post_template(output: str, **_: object) -> str:
    return _point_to_lazy_worker(output)


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config, **_: object) -> None:
    site = Path(config.site_dir)
    stub = site / "search" / "search_index.json"
    index = json.loads(stub.read_text(encoding="utf-8"))
    (site / FULL_INDEX).write_text(
        json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    # The page reads only the language and the separator (for highlighting);
    # the worker gets the whole config from the full index.
    page_config = {key: index["config"][key] for key in ("lang", "separator")}
    stub.write_text(json.dumps({"config": page_config, "docs": []}), "utf-8")
    [real] = (site / WORKERS).glob("search.*.min.js")
    forgiving = FORGIVING.read_text(encoding="utf-8")
    forgiving = forgiving.replace("__MATERIAL_WORKER__", real.name)
    forgiving = forgiving.replace(
        "__SYNONYMS__", json.dumps(synonyms(), ensure_ascii=False)
    )
    forgiving = forgiving.replace("__EXACT_BOOST__", str(EXACT_BOOST))
    forgiving = forgiving.replace("__COORDINATION__", str(COORDINATION))
    (site / FORGIVING_WORKER).write_text(forgiving, encoding="utf-8")
    worker = TEMPLATE.read_text(encoding="utf-8")
    worker = worker.replace("__REAL_WORKER__", Path(FORGIVING_WORKER).name)
    worker = worker.replace("__INDEX__", f"../../../{FULL_INDEX}")
    (site / LAZY_WORKER).write_text(worker, encoding="utf-8")
