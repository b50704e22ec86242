"""Where the project's folders are: the one place that knows.

Plain standard library, so that a script run as a file under any Python
(``python3 scripts/check_pythons.py``) can import it too.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
OUTPUTS = SNIPPETS / "saidas"
TESTS = ROOT / "tests"
