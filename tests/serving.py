"""Serve a built site over HTTP on loopback, for the tests and the benchmark."""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.site import SITE_PREFIX
from tests.situations import in_thread

# What a static host such as GitHub Pages sends gzip-compressed to a client
# that accepts it: text, scripts, JSON and SVG. Images and downloads of other
# types go as they are.
COMPRESSED_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
)


@functools.lru_cache(maxsize=512)
def _gzipped(path: Path, modified: float) -> bytes:
    """The file's gzip bytes (level 6, as common web servers use), per version."""
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=modified)


class SiteHandler(SimpleHTTPRequestHandler):
    """The site at its GitHub Pages path (so the 404 page's absolute links
    work) and at the root, compressed like a static host; quiet: tests read
    the client's view, not a log."""

    def translate_path(self, path: str) -> str:
        if path.startswith(SITE_PREFIX):
            path = "/" + path[len(SITE_PREFIX) :]
        return super().translate_path(path)

    def send_head(self) -> io.BufferedIOBase | None:
        """A text file with ``Content-Encoding: gzip`` when the client accepts
        it; anything else (other types, folders without a slash, 404s, no
        gzip in Accept-Encoding) as the base class sends it."""
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.partition("?")[0].endswith("/"):
            path = path / "index.html"
        kind = self.guess_type(str(path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and kind.startswith(COMPRESSED_TYPES)):
            return super().send_head()
        body = _gzipped(path, path.stat().st_mtime)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Nothing: the server's log is noise in a test's output."""


def serve(site: Path) -> contextlib.AbstractContextManager[int]:
    """Serve ``site`` on 127.0.0.1 until the context ends; yields the port."""
    handler = functools.partial(SiteHandler, directory=str(site))
    return in_thread(ThreadingHTTPServer(("127.0.0.1", 0), handler))
