"""Benchmark of the current tree (a script, not a test).

    .venv/bin/python scripts/benchmark.py [--builds N] [--skip-suite]
                                        [--skip-lighthouse] [--json]

Reports: ``mkdocs build --strict`` time (median of N runs), the test-suite
time (one run), per page the bytes transferred (gzip) and the request count,
and, where npm can install it, Lighthouse scores for the home page and the
heaviest page. Targets are printed next to each figure.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.site import CHROMIUM, CHROMIUM_ARGS, PAGES  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
LIGHTHOUSE = "lighthouse@13"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def build_times(site: Path, runs: int) -> list[float]:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    return [timed(command) for _ in range(runs)]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def page_weights(base: str) -> list[dict[str, object]]:
    """Per page: requests and gzip bytes of every same-origin response."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        for path in PAGES:
            page = browser.new_page()
            bodies: dict[str, bytes] = {}

            def record(response, bodies=bodies) -> None:
                if response.url.startswith(base) and response.status == 200:
                    bodies.setdefault(response.url, response.body())

            page.on("response", record)
            page.goto(base + path, wait_until="networkidle")
            gz = sum(len(gzip.compress(body)) for body in bodies.values())
            rows.append({"page": "/" + path, "requests": len(bodies), "gzip_bytes": gz})
            page.close()
        browser.close()
    return rows


def lighthouse(urls: list[str]) -> dict[str, dict[str, int]] | str:
    """Scores 0-100 per URL, or the reason they could not be measured."""
    if not shutil.which("npm"):
        return "npm not found"
    work = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    install = subprocess.run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(work),
            LIGHTHOUSE,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    binary = work / "node_modules" / ".bin" / "lighthouse"
    if install.returncode != 0 or not binary.exists():
        return f"npm could not install {LIGHTHOUSE}: {install.stderr[-300:]}"
    scores = {}
    for url in urls:
        report = work / "report.json"
        flags = "--headless=new " + " ".join(CHROMIUM_ARGS)
        result = subprocess.run(
            [str(binary), url, "--quiet", "--output=json", f"--output-path={report}"]
            + [f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"],
            env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not report.exists():
            scores[url] = {"error": result.stderr[-300:]}
            continue
        data = json.loads(report.read_text())
        scores[url] = {
            name: round((data["categories"][name]["score"] or 0) * 100)
            for name in CATEGORIES
        }
    shutil.rmtree(work, ignore_errors=True)
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=5)
    parser.add_argument("--skip-suite", action="store_true")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        times = build_times(site, args.builds)
        results["build_seconds_median"] = round(statistics.median(times), 2)
        if not args.skip_suite:
            suite = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
            results["suite_seconds"] = round(timed(suite), 1)
        server, base = serve(site)
        try:
            weights = page_weights(base)
            results["pages"] = weights
            if not args.skip_lighthouse:
                heaviest = max(weights, key=lambda row: row["gzip_bytes"])
                urls = [base, base + str(heaviest["page"]).lstrip("/")]
                results["lighthouse"] = lighthouse(urls)
        finally:
            server.shutdown()
            server.server_close()

    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    build = results["build_seconds_median"]
    print(f"mkdocs build --strict (mediana): {build} s  (meta < 2 s)")
    if "suite_seconds" in results:
        suite = results["suite_seconds"]
        print(f"suíte de testes: {suite} s  (meta < 20 s em 2 núcleos)")
    print(f"\n{'página':<40} {'requisições':>11} {'KiB gzip':>9}")
    for row in results["pages"]:
        kib = row["gzip_bytes"] / 1024
        print(f"{row['page']:<40} {row['requests']:>11} {kib:>9.1f}")
    print("(meta: < 150 KiB por página; < 100 KiB sem diagrama)")
    if "lighthouse" in results:
        print("\nLighthouse:", json.dumps(results["lighthouse"], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
