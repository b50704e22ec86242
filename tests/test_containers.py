"""Inside an isolated network namespace, the host's listener is not "localhost".

The page on containers shows ``armadilhas/conteiner.py`` refused from inside
a container while the database listens on the host. This runs the snippet in
a new network namespace (``unshare``, the mechanism containers use) against a
real listener on the host's loopback, and compares with what the page shows.
Where namespaces are unavailable it is skipped, except under REQUIRE_LAB=1
(set by .ci/run), where it fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from typing import NoReturn

import pytest

from tests.runner import documented_output
from tests.scenarios import BY_SNIPPET

SCENARIO = BY_SNIPPET["armadilhas/conteiner.py"]
SNIPPET = SCENARIO.path


def run_snippet(port: int, *, isolated: bool) -> str:
    env = {**os.environ, "DB_HOST": "127.0.0.1", "DB_PORT": str(port)}
    command = [sys.executable, str(SNIPPET)]
    if isolated:
        script = 'ip link set lo up && exec "$@"'
        command = ["unshare", "--user", "--map-root-user", "--net"]
        command += ["sh", "-c", script, "sh", sys.executable, str(SNIPPET)]
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=20, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def namespace_problem() -> str | None:
    if not sys.platform.startswith("linux"):
        return "network namespaces are Linux-only"
    if not (shutil.which("unshare") and shutil.which("ip")):
        return "unshare or ip (util-linux, iproute2) not installed"
    probe = subprocess.run(
        [
            "unshare",
            "--user",
            "--map-root-user",
            "--net",
            "ip",
            "link",
            "set",
            "lo",
            "up",
        ],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    if probe.returncode != 0:
        return f"cannot create a network namespace here: {probe.stderr.strip()}"
    return None


def lab_unavailable(problem: str) -> NoReturn:
    """Skip where namespaces cannot be made; fail instead under REQUIRE_LAB=1."""
    if os.environ.get("REQUIRE_LAB") == "1":
        pytest.fail(f"{problem} (REQUIRE_LAB=1)", pytrace=False)
    pytest.skip(problem)


@pytest.mark.parametrize(
    ("required", "outcome"),
    [("1", pytest.fail.Exception), ("0", pytest.skip.Exception)],
)
def test_a_missing_lab_fails_only_where_required(
    monkeypatch: pytest.MonkeyPatch, required: str, outcome: type[BaseException]
) -> None:
    monkeypatch.setenv("REQUIRE_LAB", required)
    # Catch both outcomes: a skip escaping pytest.raises(Failed) would make
    # this test skip instead of fail.
    either = (pytest.fail.Exception, pytest.skip.Exception)
    with pytest.raises(either, match="no namespaces here") as raised:
        lab_unavailable("no namespaces here")
    assert raised.type is outcome


def test_refused_inside_namespace_but_not_on_host(
    port_in: Callable[[str], int],
) -> None:
    problem = namespace_problem()
    if problem:
        lab_unavailable(problem)
    port = port_in("listening")
    on_host = run_snippet(port, isolated=False)
    inside = run_snippet(port, isolated=True)
    assert on_host == SCENARIO.output_path("no_host").read_text(encoding="utf-8")
    assert inside.strip() == documented_output(SNIPPET)
