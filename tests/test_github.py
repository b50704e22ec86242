"""Repository automation: the workflow, the templates, the guide, the edit links."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from importlib.metadata import metadata, version
from pathlib import Path

import pytest
import tomllib
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from scripts import scaffold
from scripts.check_pythons import SITE_ONLY
from tests.scenarios import Scenario
from tests.site import ROOT
from tests.situations import SITUATIONS

GITHUB = ROOT / ".github"
WORKFLOW = GITHUB / "workflows" / "ci.yml"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
README = ROOT / "README.md"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def jobs() -> dict:
    return load(WORKFLOW)["jobs"]


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def uses(job: dict) -> list[str]:
    return [step["uses"] for step in job["steps"] if "uses" in step]


def checklist(path: Path) -> list[str]:
    return re.findall(r"^- \[ \] .+$", path.read_text(encoding="utf-8"), re.MULTILINE)


def test_workflow_runs_on_main_and_pull_requests_read_only() -> None:
    workflow = load(WORKFLOW)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as True
    assert triggers["push"]["branches"] == ["main"]
    assert "pull_request" in triggers
    assert workflow["permissions"] == {"contents": "read"}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def suite_floor() -> Version:
    """The oldest Python of the site's tooling and the whole suite."""
    spec = pyproject()["project"]["requires-python"]
    assert spec.startswith(">="), spec
    return Version(spec.removeprefix(">="))


def snippets_floor() -> str:
    """The oldest Python a reader can run the snippets on (ruff's target)."""
    target = pyproject()["tool"]["ruff"]["target-version"]
    return f"3.{target.removeprefix('py3')}"


def short(version: Version) -> str:
    return f"{version.major}.{version.minor}"


def pins() -> dict[str, str]:
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    found = re.findall(r"^([\w-]+)(?:\[\w+\])?==(\S+)$", text, re.MULTILINE)
    return dict(found)


def oldest_python_of(names: list[str]) -> Version:
    """The highest ``Requires-Python`` lower bound among the pinned packages."""
    floors = [Version("3.0")]
    for name in names:
        assert version(name) == pins()[name], f"{name}: reinstall requirements.txt"
        spec = SpecifierSet(metadata(name).get("Requires-Python") or "")
        floors += [Version(s.version) for s in spec if s.operator == ">="]
    return max(floors)


def test_promised_floor_is_what_the_pins_require() -> None:
    site = [name for name in pins() if name in SITE_ONLY]
    rest = [name for name in pins() if name not in SITE_ONLY]
    assert site
    assert rest
    # The whole suite installs every pin: its floor is the pins' highest floor.
    assert oldest_python_of(list(pins())) == suite_floor()
    # The snippets' check installs the rest, which must install on its floor.
    assert oldest_python_of(rest) <= Version(snippets_floor())
    assert Version(snippets_floor()) < suite_floor()


def test_readme_and_guide_promise_the_same_pythons() -> None:
    workflow = " ".join(WORKFLOW.read_text(encoding="utf-8").split())
    readme = " ".join(README.read_text(encoding="utf-8").split())
    guide = " ".join(CONTRIBUTING.read_text(encoding="utf-8").split())
    suite, snippets = suite_floor(), snippets_floor()
    newest = jobs()["tests"]["strategy"]["matrix"]["python"][-1]
    for text in (readme, guide):
        promised = set(re.findall(r"Python (3\.[\d.]+) ou mais novo", text))
        assert promised == {str(suite), snippets}, promised
        assert f"trechos em si rodam no Python {snippets} ou mais novo" in text
    assert (
        f"Python {short(suite)}–{newest}, e os trechos também no {snippets}" in readme
    )
    assert f"Python {snippets}" in workflow
    assert f"check_pythons.py {snippets}" in (ROOT / ".ci" / "run").read_text(
        encoding="utf-8"
    )
    # The harness skips a snippet below its scenario's min_python.
    default = next(f.default for f in fields(Scenario) if f.name == "min_python")
    assert ".".join(map(str, default)) == snippets


def test_workflow_tests_every_os_and_supported_python() -> None:
    tests = jobs()["tests"]
    matrix = tests["strategy"]["matrix"]
    assert set(matrix["os"]) == {"ubuntu-latest", "macos-latest", "windows-latest"}
    # From the suite's floor, every minor version up to the newest proven one.
    floor = suite_floor()
    newest = 13  # 3.14 is not proven yet: scripts/check_pythons.py on it first
    expected = [f"3.{minor}" for minor in range(floor.minor, newest + 1)]
    assert matrix["python"] == expected
    assert tests["strategy"]["fail-fast"] is False
    assert tests["runs-on"] == "${{ matrix.os }}"
    assert "python -m pip install -r requirements.txt" in runs(tests)
    assert "npm ci --prefix tests/browser" in runs(tests)
    # The suite itself, the same command on every system.
    suite = next(step for step in tests["steps"] if step.get("name") == "Testes")
    assert suite["run"] == "python -m pytest -n auto"
    assert "if" not in suite


def test_workflow_runs_the_lab_as_root_on_linux() -> None:
    """The lab tests skip without root; on the Linux runners (passwordless
    sudo) the marked ones run again as root, and must not skip."""
    steps = jobs()["tests"]["steps"]
    lab = steps[-1]
    assert lab["if"] == "runner.os == 'Linux'"
    command = lab["run"].splitlines()[-1]
    assert command.startswith("sudo -E ")
    assert "REQUIRE_LAB=1" in command
    assert command.endswith("python -m pytest -m lab")
    assert "nftables" in lab["run"]
    names = [step.get("name") for step in steps]
    assert names.index("Testes") < len(steps) - 1, "after the unprivileged run"


def test_ci_runs_the_readme_test_command() -> None:
    after = README.read_text(encoding="utf-8").split("**Rodar todos os testes**")[1]
    command = re.search(r"```bash\n(.+?)\n```", after, re.DOTALL)[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"TEST_COMMAND='{command}'" in ci


def test_workflow_runs_the_snippets_on_their_oldest_python() -> None:
    snippets = jobs()["snippets"]
    matrix = snippets["strategy"]["matrix"]
    assert set(matrix["os"]) == {"ubuntu-latest", "macos-latest", "windows-latest"}
    assert snippets["strategy"]["fail-fast"] is False
    assert snippets["runs-on"] == "${{ matrix.os }}"
    setup = next(s for s in snippets["steps"] if "setup-python" in s.get("uses", ""))
    assert setup["with"]["python-version"] == snippets_floor()
    command = f"python scripts/check_pythons.py {snippets_floor()}"
    assert snippets["steps"][-1]["run"] == command


def test_workflow_requires_browser_and_spelling_only_on_linux() -> None:
    steps = jobs()["tests"]["steps"]
    setting = [s for s in steps if "REQUIRE_BROWSER=1" in s.get("run", "")]
    assert len(setting) == 1
    step = setting[0]
    assert step["if"] == "runner.os == 'Linux'"
    assert "REQUIRE_SPELLING=1" in step["run"]
    assert "hunspell-pt-br" in step["run"]
    assert "CHROMIUM=" in step["run"]


def test_workflow_builds_strict_and_deploys_only_from_main() -> None:
    build, deploy = jobs()["build"], jobs()["deploy"]
    assert "mkdocs build --strict --site-dir site" in runs(build)
    upload = next(
        s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", "")
    )
    assert upload["with"]["path"] == "site"
    assert set(deploy["needs"]) == {"tests", "snippets", "build"}
    assert deploy["if"] == (
        "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    )
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert deploy["environment"]["name"] == "github-pages"
    assert any(u.startswith("actions/deploy-pages@") for u in uses(deploy))


# ``uses: owner/name@<full commit SHA> # vX.Y.Z``: a tag can be moved to
# other code (while the deploy job holds an OIDC token); a commit cannot.
PINNED_ACTION = re.compile(
    r"^\s*(?:- )?uses: (?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)"
    r"(?: +# (?P<tag>\S+))?\s*$"
)


def workflows() -> list[Path]:
    return sorted((GITHUB / "workflows").glob("*.y*ml"))


def test_every_action_is_pinned_by_commit_with_its_tag() -> None:
    found = 0
    for path in workflows():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if "uses:" not in line:
                continue
            pinned = PINNED_ACTION.match(line)
            where = f"{path.name}:{number + 1}: {line.strip()}"
            assert pinned, where
            assert re.fullmatch(r"[0-9a-f]{40}", pinned["ref"]), f"not a SHA: {where}"
            tag = pinned["tag"] or ""
            assert re.fullmatch(r"v\d+(\.\d+)*", tag), f"which tag is it: {where}"
            found += 1
    assert found


def test_npm_installs_only_what_the_lockfile_hashes() -> None:
    """``npm ci`` refuses a package whose integrity hash differs from the
    lockfile's: every installed package must have one."""
    lock = ROOT / "tests" / "browser" / "package-lock.json"
    packages = json.loads(lock.read_text(encoding="utf-8"))["packages"]
    installed = {name: entry for name, entry in packages.items() if name}
    assert installed
    missing = [name for name, entry in installed.items() if "integrity" not in entry]
    assert not missing, missing
    assert "npm ci --prefix tests/browser" in runs(jobs()["tests"])


def test_checkout_keeps_no_credentials() -> None:
    """``actions/checkout`` would leave its token in .git/config while the
    pull request's code runs."""
    checkouts = [
        step
        for path in workflows()
        for job in load(path)["jobs"].values()
        for step in job.get("steps", [])
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkouts
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, step


def test_issue_form_asks_what_a_report_needs() -> None:
    form = load(GITHUB / "ISSUE_TEMPLATE" / "trecho-diferente.yml")
    assert form["name"]
    assert form["description"]
    fields = {field.get("id"): field for field in form["body"]}
    for required in ("snippet", "os", "python", "observed", "expected"):
        assert fields[required]["validations"]["required"] is True, required
    assert load(GITHUB / "ISSUE_TEMPLATE" / "config.yml") is not None


def test_pull_request_template_has_the_guide_checklist() -> None:
    template = checklist(GITHUB / "pull_request_template.md")
    assert len(template) >= 5
    assert template == checklist(CONTRIBUTING)


def test_guide_links_resolve() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    assert "tests/README.md" in targets
    for target in targets:
        assert (ROOT / target).exists(), target


def test_guide_scaffold_commands_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    # The guide's worked example adds an "ftp" situation before using it.
    monkeypatch.setitem(SITUATIONS, "ftp", SITUATIONS["http"])
    text = CONTRIBUTING.read_text(encoding="utf-8")
    commands = re.findall(r"python -m scripts\.scaffold ([^\n`]+)", text)
    assert len(commands) >= 2
    for command in commands:
        args = scaffold.parse(command.split())
        assert args.situation in SITUATIONS
        assert set(args.variants.values()) <= set(SITUATIONS)


def test_guide_names_only_existing_situations() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    section = text.split("dicionário `SITUATIONS` do fim", 1)[1].split("\n\n", 1)[0]
    named = set(re.findall(r"`(\w+)`", section))
    assert named
    assert named <= set(SITUATIONS), named - set(SITUATIONS)


def test_pre_commit_pins_the_same_ruff_and_checks_spelling() -> None:
    config = load(ROOT / ".pre-commit-config.yaml")
    ruff_repo = next(
        r for r in config["repos"] if r["repo"].endswith("ruff-pre-commit")
    )
    assert {hook["id"] for hook in ruff_repo["hooks"]} == {"ruff-check", "ruff-format"}
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert f"ruff=={ruff_repo['rev'].lstrip('v')}" in requirements
    hooks = [h for r in config["repos"] if r["repo"] == "local" for h in r["hooks"]]
    assert any(h["entry"] == "python -m scripts.spelling" for h in hooks)


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[str, str]:
    return {
        page.relative_to(built_site).as_posix(): page.read_text(encoding="utf-8")
        for page in built_site.rglob("*.html")
    }


def test_every_page_has_an_edit_link(pages: dict[str, str]) -> None:
    config = load_mkdocs()
    base = config["repo_url"].rstrip("/") + "/" + config["edit_uri"]
    assert "content.action.edit" in config["theme"]["features"]
    for source in sorted((ROOT / "docs").rglob("*.md")):
        relative = source.relative_to(ROOT / "docs")
        html = relative.with_suffix("").as_posix()
        html = html.removesuffix("index").rstrip("/")
        page = pages[f"{html}/index.html" if html else "index.html"]
        assert f'href="{base}{relative.as_posix()}"' in page, relative


def test_repository_link_without_github_api_fetch(pages: dict[str, str]) -> None:
    repo_url = load_mkdocs()["repo_url"]
    for name, html in pages.items():
        if name == "404.html":
            continue
        assert f'<a href="{repo_url}" title=' in html, name
        # With this attribute Material's script asks api.github.com for stars.
        assert 'data-md-component="source"' not in html, name
        assert "api.github.com" not in html, name


def test_site_url_is_the_repository_github_pages_address() -> None:
    config = load_mkdocs()
    owner, repo = re.fullmatch(
        r"https://github\.com/([\w.-]+)/([\w.-]+)", config["repo_url"]
    ).groups()
    assert config["repo_name"] == f"{owner}/{repo}"
    assert config["site_url"] == f"https://{owner.lower()}.github.io/{repo}/"


def load_mkdocs() -> dict:
    # mkdocs.yml uses !!python tags (the slugify function): read it unsafely,
    # it is the project's own file.
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=yaml.Loader)
