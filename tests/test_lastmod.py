"""The sitemap dates each page by its Markdown file's last commit
(overrides/hooks/lastmod.py), and keeps the build date where the history is
missing (a shallow clone)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.site import DOCS, ROOT

SPEC = importlib.util.spec_from_file_location(
    "lastmod", ROOT / "overrides" / "hooks" / "lastmod.py"
)
lastmod = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(lastmod)


def git(cwd: Path, *args: str, date: str = "") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A repository whose docs/ has two pages changed on different days."""
    repo = tmp_path / "repo"
    (repo / "docs" / "sub").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "docs" / "a.md").write_text("a\n")
    (repo / "docs" / "sub" / "b.md").write_text("b\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first", date="2024-01-02T10:00:00+00:00")
    (repo / "docs" / "sub" / "b.md").write_text("b, again\n")
    git(repo, "commit", "-qam", "second", date="2024-03-04T10:00:00+00:00")
    return repo


def test_pages_take_their_last_commit_date(history: Path) -> None:
    dates = lastmod.commit_dates(history / "docs")
    assert dates == {"a.md": "2024-01-02", "sub/b.md": "2024-03-04"}


def test_shallow_clone_keeps_the_build_date(history: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", history.as_uri(), str(shallow))
    assert git(shallow, "rev-parse", "--is-shallow-repository") == "true\n"
    assert lastmod.commit_dates(shallow / "docs") == {}
    assert lastmod.commit_dates(tmp_path) == {}, "not a repository"


def test_sitemap_dates_are_the_pages_last_commits(built_site: Path) -> None:
    if git(ROOT, "rev-parse", "--is-shallow-repository") != "false\n":
        pytest.skip("a shallow clone: the sitemap keeps the build date")
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    found = dict(
        re.findall(
            r"<loc>[^<]*?/connectionrefusederror/([^<]*)</loc>\s*"
            r"<lastmod>([^<]*)</lastmod>",
            sitemap,
        )
    )
    page = "armadilhas/parecidas/"
    source = DOCS / "armadilhas" / "parecidas.md"
    if git(ROOT, "status", "--porcelain", "--", str(source)):
        pytest.skip(f"{source.name} has uncommitted changes")
    expected = git(ROOT, "log", "-1", "--format=%cs", "--", str(source)).strip()
    assert found[page] == expected
    assert len(set(found.values())) > 1, "every page dated alike"
