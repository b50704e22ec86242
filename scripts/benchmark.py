"""Benchmark of the current tree (a script, not a test).

    .venv/bin/python scripts/benchmark.py [--builds N] [--skip-suite]
                                        [--suite-runs N] [--quick-runs N]
                                        [--loaded]
                                        [--skip-lighthouse] [--json]
                                        [--screenshots DIR]
                                        [--lighthouse-runs N]
                                        [--lighthouse-reports DIR]
                                        [--lighthouse-only]

Reports: ``mkdocs build --strict`` time (median of N runs), the time of the
contributor's loop (``pytest -n auto -m "not browser"``, median of N runs, 3)
and of the README's
test run (``pytest -n auto``, median of N runs, and with ``--loaded`` once
more beside three busy loops per core), with the machine's load average
before each, per page the first-view bytes
(gzip, what a fresh visit downloads until the network is idle) and the
request count, axe best-practice findings at 375 px with touch (reported, not
enforced by the tests), full-page screenshots at 375 px (written to DIR, not
committed) and, where npm can install it, Lighthouse mobile on the five pages
of issue #17: per page N runs (3), the median of each category and of FCP,
LCP, TBT, CLS and SI, each run's performance score with the load average
before it, and the performance audits that lost points. The site is served
gzip-compressed, as a static host serves it. ``--lighthouse-only`` builds once
and runs Lighthouse alone; ``--lighthouse-reports`` keeps each run's JSON.
Targets are printed next to each figure.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file

from tests.chromium import AXE, CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.paths import ROOT  # noqa: E402
from tests.serving import serve  # noqa: E402
from tests.site import PAGES  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
LIGHTHOUSE = "lighthouse@13"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def busy_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy (all cores), from /proc/stat."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-40:])
        raise SystemExit(f"{' '.join(command)} falhou:\n{tail}")
    return time.perf_counter() - start


def timed_run(command: list[str]) -> dict[str, float]:
    """One timed run: wall and CPU seconds, and the load average before it."""
    load_before = load()
    wall, cpu = timed_with_cpu(command)
    return {
        "seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "load_before": load_before,
    }


def timed_with_cpu(command: list[str]) -> tuple[float, float]:
    """Wall seconds, and the CPU seconds the machine spent meanwhile: on a quiet
    machine, the command's own, Chromium's included."""
    before = busy_cpu_seconds()
    wall = timed(command)
    return wall, busy_cpu_seconds() - before


@contextlib.contextmanager
def busy_loops(count: int) -> Iterator[None]:
    """``count`` processes spinning on the CPU, as a busy machine's neighbours."""
    loops = [
        subprocess.Popen(["bash", "-c", "while :; do :; done"]) for _ in range(count)
    ]
    try:
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def load() -> float:
    """The machine's load average over the last minute."""
    return round(os.getloadavg()[0], 1)


def build_times(site: Path, runs: int) -> list[float]:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    return [timed(command) for _ in range(runs)]


BEST_PRACTICE = """async () => (await axe.run(document, {
  runOnly: {type: 'tag', values: ['best-practice']}, resultTypes: ['violations'],
})).violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`)"""


def phone_views(base: str, shots: Path) -> dict[str, list[str]]:
    """375 px with touch: a full-page screenshot and axe best-practice per page."""
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    findings = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": 375, "height": 800}, has_touch=True, is_mobile=True
        )
        page = context.new_page()
        for path in PAGES:
            page.goto(base + path, wait_until="networkidle")
            name = (path.strip("/").replace("/", "-") or "inicio") + ".png"
            page.screenshot(path=str(shots / name), full_page=True)
            if AXE.exists():
                page.add_script_tag(path=str(AXE))
                findings["/" + path] = page.evaluate(BEST_PRACTICE)
        browser.close()
    return findings


def page_weights(base: str) -> list[dict[str, object]]:
    """Per page, a first view: requests and gzip bytes of same-origin responses."""
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


# The pages issue #17 holds to Lighthouse mobile >= 95 (median of 3 runs).
LIGHTHOUSE_PAGES = [
    "",
    "mensagens/",
    "servicos/postgresql/",
    "diagnostico/comando/",
    "referencia/",
]
METRICS = {
    "FCP": "first-contentful-paint",
    "LCP": "largest-contentful-paint",
    "TBT": "total-blocking-time",
    "CLS": "cumulative-layout-shift",
    "SI": "speed-index",
}


def install_lighthouse(work: Path) -> Path | str:
    """Lighthouse's command under ``work``, or why npm could not install it."""
    if not shutil.which("npm"):
        return "npm not found"
    binary = work / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary
    install = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(work)]
        + [LIGHTHOUSE],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode != 0 or not binary.exists():
        return f"npm could not install {LIGHTHOUSE}: {install.stderr[-300:]}"
    return binary


def lighthouse_run(binary: Path, url: str, report: Path) -> dict | str:
    """One mobile run (Lighthouse's default: simulated slow 4G, CPU 4x slower):
    the JSON report, or the reason it failed."""
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
        return result.stderr[-300:]
    return json.loads(report.read_text())


def failing_audits(data: dict, top: int = 6) -> list[str]:
    """The performance audits of one report that lost points or flag savings,
    largest estimated saving first."""
    rows = []
    for ref in data["categories"]["performance"]["auditRefs"]:
        audit = data["audits"][ref["id"]]
        if ref.get("group") == "metrics" or audit.get("score") in (None, 1):
            continue
        savings = audit.get("metricSavings") or {}
        cost = savings.get("LCP", 0) + savings.get("FCP", 0) + savings.get("TBT", 0)
        if audit["score"] >= 0.9 and not cost:
            continue
        shown = audit.get("displayValue") or ""
        rows.append((cost, f"{ref['id']} {shown}".strip()))
    return [text for _, text in sorted(rows, key=lambda row: -row[0])[:top]]


def summary(data: dict) -> dict[str, object]:
    """Scores 0-100, the key metrics and the failing audits of one report."""
    row: dict[str, object] = {
        name: round((data["categories"][name]["score"] or 0) * 100)
        for name in CATEGORIES
    }
    for short, audit in METRICS.items():
        value = data["audits"][audit]["numericValue"]
        row[short] = round(value, 3) if short == "CLS" else round(value)
    row["benchmark_index"] = data["environment"]["benchmarkIndex"]
    row["failing"] = failing_audits(data)
    return row


def lighthouse(
    base: str, pages: list[str], runs: int, reports: Path | None = None
) -> dict[str, dict[str, object]] | str:
    """Per page, ``runs`` Lighthouse mobile runs one after another: the median
    of each category and metric, every run's performance score with the load
    average before it, and the failing audits of the median run. With
    ``reports``, each run's JSON is kept there."""
    work = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    try:
        binary = install_lighthouse(work)
        if isinstance(binary, str):
            return binary
        results: dict[str, dict[str, object]] = {}
        for path in pages:
            done = []
            for number in range(runs):
                load_before = load()
                data = lighthouse_run(binary, base + path, work / "report.json")
                if isinstance(data, str):
                    results["/" + path] = {"error": data}
                    break
                if reports:
                    reports.mkdir(parents=True, exist_ok=True)
                    name = (path.strip("/").replace("/", "-") or "inicio") + ".json"
                    shutil.copy(work / "report.json", reports / f"{number}-{name}")
                done.append({**summary(data), "load_before": load_before})
            else:
                keys = [*CATEGORIES, *METRICS, "benchmark_index"]
                median = {k: statistics.median(r[k] for r in done) for k in keys}
                by_score = sorted(done, key=lambda r: r["performance"])
                median["failing"] = by_score[len(by_score) // 2]["failing"]
                median["runs"] = [
                    f"{r['performance']} (carga {r['load_before']})" for r in done
                ]
                results["/" + path] = median
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def print_lighthouse(results: dict[str, dict[str, object]] | str) -> None:
    if isinstance(results, str):
        print("\nLighthouse:", results)
        return
    print("\nLighthouse móvel (mediana; meta: >= 95 em desempenho, 100 nas demais)")
    head = "  ".join(f"{c[:4]:>4}" for c in CATEGORIES)
    print(
        f"{'página':<24} {head}  {'FCP':>5} {'LCP':>5} {'TBT':>4} {'CLS':>5} {'SI':>5}"
    )
    for page, row in results.items():
        if "error" in row:
            print(f"{page:<24} falhou: {row['error']}")
            continue
        scores = "  ".join(f"{row[c]:>4}" for c in CATEGORIES)
        print(
            f"{page:<24} {scores}  {row['FCP']:>5} {row['LCP']:>5} {row['TBT']:>4}"
            f" {row['CLS']:>5} {row['SI']:>5}"
        )
        runs, index = ", ".join(row["runs"]), row["benchmark_index"]
        print(f"  execuções: {runs}; benchmarkIndex {index}")
        for audit in row["failing"]:
            print(f"  - {audit}")
    print(
        "(FCP, LCP, TBT e SI em ms; o Lighthouse simula 4G lento e CPU 4x mais lenta)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])

    def count(text: str) -> int:
        if not text.isdigit():
            raise argparse.ArgumentTypeError(f"um número inteiro >= 0, não {text!r}")
        return int(text)

    parser.add_argument("--builds", type=count, default=5)
    parser.add_argument("--skip-suite", action="store_true")
    parser.add_argument("--suite-runs", type=count, default=1)
    parser.add_argument("--quick-runs", type=count, default=3)
    parser.add_argument("--loaded", action="store_true")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--screenshots", type=Path, default=None)
    parser.add_argument("--lighthouse-runs", type=count, default=3)
    parser.add_argument("--lighthouse-reports", type=Path, default=None)
    parser.add_argument("--lighthouse-only", action="store_true")
    args = parser.parse_args(argv)
    if args.lighthouse_only:
        args.builds, args.skip_suite, args.skip_lighthouse = 1, True, False
    if args.builds == 0 and not args.skip_lighthouse:
        parser.error(
            "--builds 0 precisa de --skip-lighthouse "
            "(o Lighthouse mede o site construído)"
        )

    results: dict[str, object] = {"cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        times = build_times(site, args.builds)
        if times:
            results["build_seconds_median"] = round(statistics.median(times), 2)
        if not args.skip_suite:
            suite = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
            suite += ["-n", "auto"]  # as the README runs it
            quick = [
                timed_run([*suite, "-m", "not browser"]) for _ in range(args.quick_runs)
            ]
            results["quick_runs"] = quick
            if quick:
                results["quick_seconds"] = statistics.median(
                    r["seconds"] for r in quick
                )
            runs = [timed_run(suite) for _ in range(args.suite_runs)]
            results["suite_runs"] = runs
            if runs:
                results["suite_seconds"] = statistics.median(r["seconds"] for r in runs)
            results["bytecode_off"] = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
            if args.loaded:
                loops = 3 * (os.cpu_count() or 1)
                with busy_loops(loops):
                    results["loaded_suite_seconds"] = round(timed(suite), 1)
                results["busy_loops"] = loops
        # The page weights, the phone views and Lighthouse measure the built site.
        if times:
            with serve(site) as port:
                base = f"http://127.0.0.1:{port}/"
                if not args.lighthouse_only:
                    results["pages"] = page_weights(base)
                    shots = args.screenshots or Path(tempfile.mkdtemp(prefix="telas-"))
                    results["best_practice_375"] = phone_views(base, shots)
                    results["screenshots"] = str(shots)
                if not args.skip_lighthouse:
                    results["lighthouse"] = lighthouse(
                        base,
                        LIGHTHOUSE_PAGES,
                        args.lighthouse_runs,
                        args.lighthouse_reports,
                    )

    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    if "build_seconds_median" in results:
        build = results["build_seconds_median"]
        print(f"mkdocs build --strict (mediana): {build} s  (meta < 2 s)")
    if "quick_runs" in results:
        cores = results["cores"]
        if results["bytecode_off"]:
            print(
                "PYTHONDONTWRITEBYTECODE está definida: cada processo compila de "
                "novo os testes e os trechos, e os tempos sobem"
            )
        for label, key, runs_key, target in (
            (
                "-m 'not browser'",
                "quick_seconds",
                "quick_runs",
                "meta < 30 s em 2 núcleos",
            ),
            ("suíte de testes", "suite_seconds", "suite_runs", "meta < 85 s"),
        ):
            if key not in results:
                continue
            print(f"{label} (mediana): {results[key]} s  ({target})")
            for run in results[runs_key]:
                print(
                    f"  {run['seconds']} s, carga antes {run['load_before']};"
                    f" CPU gasta (todos os processos): {run['cpu_seconds']} s,"
                    f" em {cores} núcleos o piso é {run['cpu_seconds'] / cores:.0f} s"
                )
        if "loaded_suite_seconds" in results:
            print(
                f"suíte ao lado de {results['busy_loops']} laços ocupados:"
                f" {results['loaded_suite_seconds']} s"
            )
    if "pages" in results:
        print(f"\n{'página':<40} {'requisições':>11} {'KiB gzip':>9}")
        for row in results["pages"]:
            kib = row["gzip_bytes"] / 1024
            print(f"{row['page']:<40} {row['requests']:>11} {kib:>9.1f}")
        print("(primeira visita; meta: < 150 KiB por página; < 100 KiB sem diagrama)")
        print(f"\ntelas a 375 px: {results['screenshots']}")
        found = {p: v for p, v in results["best_practice_375"].items() if v}
        print("axe best-practice a 375 px:", json.dumps(found, ensure_ascii=False))
    if "lighthouse" in results:
        print_lighthouse(results["lighthouse"])
        print(f"({results['cores']} núcleos; carga agora {load()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
