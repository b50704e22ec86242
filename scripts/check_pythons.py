"""Prove the promised Pythons (a script, not a test; it installs and runs suites).

    python3 scripts/check_pythons.py [VERSION ...]

Two promises, read from ``pyproject.toml``:

- ``requires-python``: the oldest Python of the site's tooling and the whole
  test suite. Each such version gets a fresh venv with ``requirements.txt``
  and runs the suite without the browser tests (those need Chromium and npm,
  and do not depend on the Python version).
- ruff's ``target-version``: the oldest Python a reader can run the snippets
  on. Below ``requires-python`` the site's pins do not install, so the venv
  gets only the test and client-library pins, and runs the tests of the
  snippets, the recipes and the reader's test file.

Without arguments it checks the snippets' floor and every Python of the
workflow's matrix. An interpreter is the one running this script when its
version matches, else ``pythonX.Y`` on PATH, else one of pyenv's. The venvs
live outside the repository (``CHECK_PYTHONS_DIR``, default under the
system's temporary folder) and are reused. Exits 1 if a version is missing
or fails.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file
from tests.paths import ROOT  # noqa: E402

# Pins that only the site and the browser tests need.
SITE_ONLY = {
    "mkdocs",
    "mkdocs-material",
    "mkdocstrings",
    "mkdocstrings-python",
    "pymdown-extensions",
    "playwright",
}
SNIPPET_TESTS = [
    "tests/test_snippets.py",
    "tests/test_recipes.py",
    "tests/test_reader_tests.py",
]


def parse_version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def show(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def floors() -> tuple[tuple[int, int], tuple[int, int]]:
    """(snippets' floor, suite's floor) as pyproject.toml states them."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    suite = re.search(r'^requires-python = ">=(3\.\d+(?:\.\d+)?)"$', text, re.MULTILINE)
    target = re.search(r'^target-version = "py3(\d+)"$', text, re.MULTILINE)
    if not (suite and target):
        sys.exit("pyproject.toml: requires-python or ruff's target-version not found")
    return (3, int(target.group(1))), parse_version(suite.group(1))


def matrix_versions() -> list[tuple[int, int]]:
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    line = re.search(r"^\s+python: \[(.+)\]$", workflow, re.MULTILINE)
    if not line:
        sys.exit("ci.yml: the matrix's python list not found")
    return [parse_version(v.strip(' "')) for v in line.group(1).split(",")]


def runs_as(python: str, version: tuple[int, int]) -> bool:
    """Whether ``python`` starts and is ``version`` (a pyenv shim may not be)."""
    probe = "import sys; print(*sys.version_info[:2])"
    try:
        result = subprocess.run(
            [python, "-c", probe], capture_output=True, text=True, timeout=30
        )
    except OSError:
        return False
    return result.returncode == 0 and result.stdout.split() == [*map(str, version)]


def interpreter(version: tuple[int, int]) -> str | None:
    candidates = [sys.executable, shutil.which(f"python{show(version)}")]
    pyenv = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    installed = glob.glob(f"{pyenv}/versions/{show(version)}.*/bin/python")
    candidates += sorted(installed, key=lambda p: [*map(int, re.findall(r"\d+", p))])[
        ::-1
    ]
    return next((c for c in candidates if c and runs_as(c, version)), None)


def venv_python(venv: Path) -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return venv / scripts / ("python.exe" if os.name == "nt" else "python")


def requirements(full: bool, folder: Path) -> Path:
    if full:
        return ROOT / "requirements.txt"
    pins = []
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name = re.split(r"[=<>\[ ]", line.strip(), maxsplit=1)[0].lower()
        if name and not line.startswith("#") and name not in SITE_ONLY:
            pins.append(line.strip())
    subset = folder / "requirements-snippets.txt"
    subset.write_text("\n".join(pins) + "\n", encoding="utf-8")
    return subset


def check(version: tuple[int, int], full: bool, base: Path) -> tuple[bool, str]:
    python = interpreter(version)
    if python is None:
        return False, "no interpreter found"
    folder = base / show(version)
    venv = folder / "venv"
    if not venv_python(venv).exists():
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pip = [str(venv_python(venv)), "-m", "pip", "install", "-q"]
    installed = subprocess.run([*pip, "-r", str(requirements(full, folder))])
    if installed.returncode != 0:
        return False, "pip install failed"
    tests = ["-m", "not browser"] if full else SNIPPET_TESTS
    command = [str(venv_python(venv)), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    start = time.monotonic()
    result = subprocess.run(
        [*command, *tests], cwd=ROOT, env=env, capture_output=True, text=True
    )
    print(result.stdout[-3000:], result.stderr[-3000:], sep="", flush=True)
    lines = result.stdout.strip().splitlines()
    summary = (
        f"{lines[-1] if lines else 'no output'} ({time.monotonic() - start:.0f} s)"
    )
    return result.returncode == 0, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("versions", nargs="*", help="e.g. 3.10 3.13")
    args = parser.parse_args()
    snippets_floor, suite_floor = floors()
    if args.versions:
        versions = [parse_version(v) for v in args.versions]
    else:
        versions = sorted({snippets_floor, *matrix_versions()})
    default_base = Path(tempfile.gettempdir()) / "check-pythons"
    base = Path(os.environ.get("CHECK_PYTHONS_DIR", default_base))
    base.mkdir(parents=True, exist_ok=True)
    results = []
    for version in versions:
        if version < snippets_floor:
            sys.exit(f"{show(version)} is older than the snippets' floor")
        full = version >= suite_floor
        scope = "site + suite" if full else "snippets"
        print(f"::: Python {show(version)} ({scope})", flush=True)
        ok, summary = check(version, full, base)
        results.append((version, scope, ok, summary))
    print("\n::: summary")
    for version, scope, ok, summary in results:
        print(
            f"Python {show(version)} [{scope}]: {'ok' if ok else 'FAILED'}: {summary}"
        )
    return 0 if all(ok for *_, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
