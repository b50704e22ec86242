"""Every snippet, run against loopback, does what its page says it does."""

from __future__ import annotations

import sys

import pytest
from pytest_examples import EvalExample

from tests.runner import (
    configure,
    documented_output,
    example_for,
    judge,
    record_or_compare,
    ruff_format_check,
    run_in_lab,
    run_snippet,
)
from tests.scenarios import SCENARIOS, Run, Scenario, row_line, row_problems

MAIN_RUNS = [pytest.param(s, id=s.snippet) for s in SCENARIOS if s.main is not None]
VARIANT_RUNS = [
    pytest.param(
        s,
        name,
        id=f"{s.snippet}:{name}",
        marks=[pytest.mark.lab] if run.lab else [],
    )
    for s in SCENARIOS
    for name, run in s.variants.items()
]
FILES = [pytest.param(s, id=s.snippet) for s in SCENARIOS]


@pytest.mark.parametrize("scenario", FILES)
def test_scenario_row_is_sound(scenario: Scenario) -> None:
    """The row names known situations, no server of another protocol, and
    only network clients the table knows (its runs are skipped otherwise)."""
    problems = row_problems(scenario, SCENARIOS)
    if problems:
        where = f"{row_line(scenario.snippet)} ({scenario.snippet})"
        pytest.fail(f"{where}: " + "; ".join(problems), pytrace=False)


def skip_if_not_applicable(scenario: Scenario, run: Run | None) -> None:
    """Skip where the page says the behaviour does not apply, or where the row
    itself is unsound (its own test says why)."""
    if row_problems(scenario, SCENARIOS):
        pytest.skip(f"the row fails test_scenario_row_is_sound[{scenario.snippet}]")
    if sys.version_info < scenario.min_python:
        version = ".".join(map(str, scenario.min_python))
        pytest.skip(f"{scenario.snippet} needs Python {version}+")
    for platforms in (scenario.platforms, run.platforms if run else None):
        if platforms and not sys.platform.startswith(platforms):
            where = ", ".join(platforms)
            pytest.skip(f"{scenario.snippet}: documented behaviour is {where}-only")


@pytest.mark.parametrize("scenario", MAIN_RUNS)
def test_main_run_matches_print_comments(
    scenario: Scenario, eval_example: EvalExample
) -> None:
    """The ``#>`` comments in the file are what it prints in its documented run."""
    assert scenario.main is not None
    skip_if_not_applicable(scenario, scenario.main)
    outcome = run_snippet(eval_example, scenario, scenario.main, check_prints=True)
    judge(scenario, scenario.main, outcome)


@pytest.mark.parametrize(("scenario", "variant"), VARIANT_RUNS)
def test_variant_output_is_recorded(
    scenario: Scenario,
    variant: str,
    eval_example: EvalExample,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    """Another situation (e.g. the server up) gives the recorded, different output."""
    run = scenario.variants[variant]
    skip_if_not_applicable(scenario, run)
    if run.lab:
        output = run_in_lab(scenario, run)
    else:
        capsys.readouterr()
        outcome = run_snippet(eval_example, scenario, run, check_prints=False)
        captured = capsys.readouterr()
        judge(scenario, run, outcome)
        output = captured.out + captured.err
    record_or_compare(scenario.output_path(variant), output, request)
    # A lab variant may repeat the main output: it proves it on a real network.
    if scenario.main is not None and not run.lab:
        assert output.strip() != documented_output(scenario.path).strip(), (
            f"variant {variant!r} behaves exactly like the main run"
        )


@pytest.mark.parametrize("scenario", FILES)
def test_snippet_is_ruff_clean(scenario: Scenario, eval_example: EvalExample) -> None:
    """Lint (through pytest-examples) and format (ruff, keeping ``#>`` comments)."""
    configure(eval_example, scenario)
    eval_example.lint_ruff(example_for(scenario.path))
    ruff_format_check(scenario.path, update=eval_example.update_examples)
