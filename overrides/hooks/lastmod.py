"""Sitemap dates: each page's last commit, not the day of the build.

MkDocs writes every page's ``update_date`` (the build date) as the sitemap's
``<lastmod>``. With the history at hand, a page gets the date of the last
commit that changed its Markdown file; a page not yet committed keeps the
build date. A shallow clone (CI's default checkout) knows only its newest
commit, which would date every page alike: there the build date stays, and
the build says why.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.lastmod")

_dates: dict[str, str] = {}


def git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout


def commit_dates(docs: Path) -> dict[str, str]:
    """``{path under docs/: YYYY-MM-DD of its last commit}``; empty without
    the whole history (no git, not a repository, a shallow clone)."""
    if git(docs, "rev-parse", "--is-shallow-repository") != "false\n":
        return {}
    out = git(docs, "log", "--format=%x00%cs", "--name-only", "--relative", "--", ".")
    dates: dict[str, str] = {}
    date = ""
    for line in (out or "").splitlines():
        if line.startswith("\0"):
            date = line[1:]
        elif line:
            dates.setdefault(line, date)
    return dates


def on_config(config, **_: object):
    _dates.clear()
    _dates.update(commit_dates(Path(config["docs_dir"])))
    if not _dates:
        log.info("sitemap: no full git history here; pages keep the build date")
    return config


def on_page_markdown(markdown: str, page, **_: object) -> str:
    page.update_date = _dates.get(page.file.src_uri, page.update_date)
    return markdown
