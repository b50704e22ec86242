"""Full-text search without its weight on every page view.

Material fetches the whole search index (and starts its worker, which loads
the lunr stemmer) on every page load. This hook moves the index to
``search/indice.json``, leaves a stub with the search config in
``search/search_index.json`` and points the theme at a small stand-in worker
(``search_worker.js``) that loads the index and the real worker on the first
query. The page scripts prefetch the index when the search box is opened.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.plugins import event_priority

WORKERS = "assets/javascripts/workers"
LAZY_WORKER = f"{WORKERS}/search-lazy.js"
FULL_INDEX = "search/indice.json"
REAL_WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")
TEMPLATE = Path(__file__).with_name("search_worker.js")


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
    stub.write_text(json.dumps({"config": index["config"], "docs": []}), "utf-8")
    [real] = (site / WORKERS).glob("search.*.min.js")
    worker = TEMPLATE.read_text(encoding="utf-8")
    worker = worker.replace("__REAL_WORKER__", real.name)
    worker = worker.replace("__INDEX__", f"../../../{FULL_INDEX}")
    (site / LAZY_WORKER).write_text(worker, encoding="utf-8")
