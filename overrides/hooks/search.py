"""Full-text search without its weight on every page view, and one that forgives.

Material fetches the whole search index (and starts its worker, which loads
the lunr stemmer) on every page load. After the build, this hook:

- shapes the index (``search_index.py``: program listings out, accents
  folded, synonyms, the messages a page answers), the same step a build by
  another generator runs by hand;
- moves it to ``search/indice.json`` and leaves a stub with the search config
  in ``search/search_index.json``;
- points the theme at a small stand-in worker (``search_worker.js``, copied
  without its comment lines, which every page view would fetch) that starts
  Material's own worker with the whole index on the first query. The page
  scripts prefetch the index when the search box is opened.

Nothing of the theme's worker or of lunr is changed: the reader's query goes
to Material's search untouched.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.plugins import event_priority
from search_index import shape

WORKERS = "assets/javascripts/workers"
LAZY_WORKER = f"{WORKERS}/search-lazy.js"
FULL_INDEX = "search/indice.json"
REAL_WORKER = re.compile(r"assets/javascripts/workers/(search\.[0-9a-f]+\.min\.js)")
STAND_IN = Path(__file__).parent / "search_worker.js"


def _point_to_lazy_worker(html: str) -> str:
    return REAL_WORKER.sub(rf"{LAZY_WORKER}?worker=\1", html, count=1)


def on_post_page(output: str, **_: object) -> str:
    return _point_to_lazy_worker(output)


def on_post_template(output: str, **_: object) -> str:
    return _point_to_lazy_worker(output)


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config, **_: object) -> None:
    site = Path(config.site_dir)
    stub = site / "search" / "search_index.json"
    shape(site, stub, Path(config.docs_dir))
    stub.replace(site / FULL_INDEX)
    index = json.loads((site / FULL_INDEX).read_text(encoding="utf-8"))
    # The page reads only the language and the separator (for highlighting);
    # the worker gets the whole config from the full index.
    page_config = {key: index["config"][key] for key in ("lang", "separator")}
    stub.write_text(json.dumps({"config": page_config, "docs": []}), "utf-8")
    lines = STAND_IN.read_text(encoding="utf-8").splitlines(keepends=True)
    code = "".join(line for line in lines if not line.lstrip().startswith("//"))
    (site / LAZY_WORKER).write_text(code, encoding="utf-8")
