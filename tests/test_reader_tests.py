"""The pytest file shown to readers who test their own code really passes."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.site import SNIPPETS

READER_TESTS = SNIPPETS / "testes" / "test_porta_recusada.py"


def test_reader_fixture_file_passes(tmp_path) -> None:
    copy = tmp_path / READER_TESTS.name
    copy.write_text(READER_TESTS.read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + ["-W", "error", "--rootdir", str(tmp_path), str(copy)],
        cwd=tmp_path,
        # pytest alone, as a reader has it: no plugin of this project's.
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
