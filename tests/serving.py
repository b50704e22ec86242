"""Serve a built site over HTTP on loopback, for the tests and the benchmark."""

from __future__ import annotations

import contextlib
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.site import SITE_PREFIX
from tests.situations import in_thread


class SiteHandler(SimpleHTTPRequestHandler):
    """The site at its GitHub Pages path (so the 404 page's absolute links
    work) and at the root; quiet: tests read the client's view, not a log."""

    def translate_path(self, path: str) -> str:
        if path.startswith(SITE_PREFIX):
            path = "/" + path[len(SITE_PREFIX) :]
        return super().translate_path(path)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Nothing: the server's log is noise in a test's output."""


def serve(site: Path) -> contextlib.AbstractContextManager[int]:
    """Serve ``site`` on 127.0.0.1 until the context ends; yields the port."""
    handler = functools.partial(SiteHandler, directory=str(site))
    return in_thread(ThreadingHTTPServer(("127.0.0.1", 0), handler))
