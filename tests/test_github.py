"""Repository automation: the workflow, the templates, the edit links."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.site import ROOT

GITHUB = ROOT / ".github"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_workflow_tests_every_os_and_supported_python() -> None:
    workflow = load(GITHUB / "workflows" / "ci.yml")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as True
    assert triggers["push"]["branches"] == ["main"]
    assert "pull_request" in triggers
    matrix = workflow["jobs"]["tests"]["strategy"]["matrix"]
    assert set(matrix["os"]) == {"ubuntu-latest", "macos-latest", "windows-latest"}
    assert matrix["python"] == ["3.10", "3.11", "3.12", "3.13"]
    steps = workflow["jobs"]["tests"]["steps"]
    assert any(step.get("run") == "python -m pytest" for step in steps)


def test_workflow_builds_strict_and_deploys_only_from_main() -> None:
    jobs = load(GITHUB / "workflows" / "ci.yml")["jobs"]
    build_runs = " ".join(step.get("run", "") for step in jobs["build"]["steps"])
    assert "mkdocs build --strict" in build_runs
    deploy = jobs["deploy"]
    assert set(deploy["needs"]) == {"tests", "build"}
    assert "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [step.get("uses", "") for step in deploy["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def test_templates_exist_and_are_valid() -> None:
    checklist = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    assert checklist.count("- [ ]") >= 5
    form = load(GITHUB / "ISSUE_TEMPLATE" / "trecho-diferente.yml")
    ids = {field.get("id") for field in form["body"]}
    assert {"snippet", "os", "python", "observed", "expected"} <= ids


def test_pre_commit_pins_the_same_ruff_as_requirements() -> None:
    config = load(ROOT / ".pre-commit-config.yaml")
    ruff_repo = next(
        r for r in config["repos"] if r["repo"].endswith("ruff-pre-commit")
    )
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert f"ruff=={ruff_repo['rev'].lstrip('v')}" in requirements


def test_pages_have_an_edit_link_and_no_github_api_fetch(built_site: Path) -> None:
    html = (built_site / "uso" / "index.html").read_text(encoding="utf-8")
    assert "edit/main/docs/uso.md" in html
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        # With this attribute Material's script asks api.github.com for stars.
        assert 'data-md-component="source"' not in text, page
