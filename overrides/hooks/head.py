"""What every page's <head> says: escaped description, pt-BR, no stray files.

Registered in mkdocs.yml under ``hooks:``.
"""

from __future__ import annotations

import re

from markupsafe import escape
from mkdocs.structure.files import Files

# Material writes lang.t("language"), which is "pt" for pt-BR; readers' tools
# (screen readers, translators, spell checkers) deserve the regional variant.
HTML_LANG = re.compile(r'<html lang="pt"')
# Folders of the theme's custom_dir that hold templates or code, not assets.
NOT_ASSETS = ("hooks/", "mkdocstrings/")


def on_files(files: Files, **_: object) -> Files:
    for file in list(files):
        if file.src_uri.startswith(NOT_ASSETS):
            files.remove(file)
    return files


def on_page_markdown(markdown: str, page, **_: object) -> str:
    # Material puts the description into content="..." unescaped: a quote in
    # the front matter would cut the tag.
    description = page.meta.get("description")
    if isinstance(description, str):
        page.meta["description"] = escape(description.strip())
    return markdown


def _pt_br(html: str) -> str:
    return HTML_LANG.sub('<html lang="pt-BR"', html, count=1)


def on_post_page(output: str, **_: object) -> str:
    return _pt_br(output)


def on_post_template(output: str, **_: object) -> str:
    return _pt_br(output)
