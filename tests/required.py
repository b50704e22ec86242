"""Tests that need an optional tool (Chromium, Hunspell, the network lab).

On a reader's machine they are skipped with the reason; where the run requires
the tool (``.ci/run`` sets ``REQUIRE_BROWSER``, ``REQUIRE_SPELLING`` and
``REQUIRE_LAB`` to 1), the same reason fails them.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def unavailable(reason: str, variable: str) -> NoReturn:
    """Skip the calling test with ``reason``, or fail it where ``variable`` is 1."""
    if os.environ.get(variable) == "1":
        pytest.fail(f"{reason} ({variable}=1)", pytrace=False)
    pytest.skip(reason)
