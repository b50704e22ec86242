"""Other programs around a Python app report the refusal: nginx, HAProxy,
OpenSSH, socat, Vite, supervisord. Each transcript (tests/programs.py) runs
the real program in the network lab; its output is recorded and shown on the
pages of docs/programas/."""

from __future__ import annotations

import os
import shutil

import pytest

from tests import lab
from tests.programs import ENV, SESSIONS, TRANSCRIPTS, Transcript, normalized, script
from tests.required import unavailable
from tests.runner import record_or_compare
from tests.site import DOCS, SNIPPETS, includes


def require_programs(transcript: Transcript) -> None:
    """Skip where a program is not installed (fail instead under REQUIRE_LAB=1)."""
    missing = [name for name in transcript.needs if shutil.which(name) is None]
    if "node" in transcript.needs and not os.path.exists(
        lab.ROOT / "tests" / "node" / "node_modules" / ".bin" / "vite"
    ):
        missing.append("vite (npm ci --prefix tests/node)")
    if missing:
        unavailable(f"the lab needs {', '.join(missing)}", "REQUIRE_LAB")


@pytest.mark.lab
@pytest.mark.parametrize("name", TRANSCRIPTS)
def test_transcript(name: str, request: pytest.FixtureRequest) -> None:
    lab.require()
    transcript = TRANSCRIPTS[name]
    require_programs(transcript)
    result = lab.run(
        transcript.setup,
        ["sh", "-c", script(transcript)],
        env=ENV,
        timeout=transcript.max_seconds + 10,
    )
    output = normalized(result.output)
    missing = [text for text in transcript.expect if text not in output]
    assert not missing, f"{missing} not in:\n{output}"
    assert "Traceback" not in output, output
    assert result.seconds < transcript.max_seconds, f"took {result.seconds:.2f} s"
    record_or_compare(SESSIONS / f"{name}.txt", output, request)


def test_no_stale_recording() -> None:
    recorded = {p.stem for p in SESSIONS.glob("*.txt")}
    assert recorded == set(TRANSCRIPTS)


def test_every_setup_of_a_transcript_exists() -> None:
    unknown = {t.setup for t in TRANSCRIPTS.values()} - set(lab.SETUPS)
    assert not unknown, unknown


def quoted_lines() -> list[tuple[str, str, str]]:
    """(page, transcript, lines) for each part of a transcript a page quotes
    (a ``file:start[:end]`` include, as in a Sintoma block)."""
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        for inc in includes(page):
            path = SNIPPETS / inc.path
            if path.parent != SESSIONS or not inc.section:
                continue
            start, _, end = inc.section.partition(":")
            lines = path.read_text(encoding="utf-8").splitlines()
            quoted = "\n".join(lines[int(start) - 1 : int(end or start)])
            found.append((page.name, path.stem, quoted))
    return found


def test_quoted_lines_hold_a_claim_of_their_transcript() -> None:
    """A page quoting line N of a session quotes the program's message: if a
    step is added and the lines move, the quote would show something else."""
    wrong = [
        f"{page}: {name}: {quoted!r}"
        for page, name, quoted in quoted_lines()
        if not any(text in quoted for text in TRANSCRIPTS[name].expect)
    ]
    assert quoted_lines()
    assert not wrong, "\n".join(wrong)
