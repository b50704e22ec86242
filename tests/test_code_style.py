"""The test code follows the same ruff rules as the snippets."""

from __future__ import annotations

import re
import subprocess

from ruff.__main__ import find_ruff_bin

from tests.site import ROOT


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [find_ruff_bin(), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_ruff_check_passes() -> None:
    result = ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = ruff("format", "--no-cache", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_project_folders_are_named_in_one_module() -> None:
    """``tests/paths.py`` alone says where the folders are."""
    pattern = re.compile(r"^(ROOT|DOCS|SNIPPETS|OUTPUTS) = ", re.MULTILINE)
    defining = sorted(
        path.relative_to(ROOT).as_posix()
        for folder in ("tests", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    )
    assert defining == ["tests/paths.py"]
