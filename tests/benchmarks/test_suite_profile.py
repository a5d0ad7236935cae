"""benchmarks/suite_profile.py: reading pytest's JUnit XML and grouping its tests by tier (no pytest
run, no timing: a small report written here)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO_ROOT

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests">
  <testsuite name="pytest" errors="1" failures="1" skipped="1" tests="8" time="131.250" timestamp="2026-12-06T04:00:00+00:00" hostname="ci">
    <testcase classname="tests.orchestrator.test_graph" name="test_order" time="0.500" />
    <testcase classname="tests.orchestrator.policy.test_gate.TestGate" name="test_refuses[a.b/c]" time="1.500" />
    <testcase classname="tests.terraform.test_modules" name="test_validate_and_terraform_test[modules/s3-bucket]" time="45.000" />
    <testcase classname="tests.terraform.test_modules" name="test_validate_and_terraform_test[envs/stacks/foundation]" time="55.000" />
    <testcase classname="tests.terraform.test_modules" name="test_terraform_fmt_is_clean" time="0.000">
      <skipped type="pytest.skip" message="no terraform">skipped</skipped>
    </testcase>
    <testcase classname="tests.integration.test_destroy" name="test_destroy_leaves_nothing" time="20.000">
      <error message="failed on setup">setup error</error>
    </testcase>
    <testcase classname="seed_code.model_build.tests.test_build_pipeline" name="test_definition" time="3.250">
      <failure message="assert 1 == 2">assert 1 == 2</failure>
    </testcase>
    <testcase classname="tests.benchmarks.test_suite_profile" name="test_something" time="0.250" />
  </testsuite>
</testsuites>
"""


@pytest.fixture(scope="module")
def suite_profile() -> ModuleType:
    """benchmarks/suite_profile.py, imported as its scripts run (its folder on sys.path)."""
    benchmarks = str(REPO_ROOT / "benchmarks")
    sys.path.insert(0, benchmarks)
    try:
        return importlib.import_module("suite_profile")
    finally:
        sys.path.remove(benchmarks)


@pytest.fixture
def junit_file(tmp_path: Path) -> Path:
    path = tmp_path / "junit.xml"
    path.write_text(JUNIT, encoding="utf-8")
    return path


def test_a_classname_gives_the_test_file_and_its_classes(suite_profile: ModuleType) -> None:
    assert suite_profile.module_path("tests.orchestrator.policy.test_gate.TestGate") == (
        "tests/orchestrator/policy/test_gate.py",
        ["TestGate"],
    )
    assert suite_profile.module_path("seed_code.model_build.tests.test_build_pipeline") == (
        "seed_code/model_build/tests/test_build_pipeline.py",
        [],
    )


def test_every_test_case_is_read_with_its_node_id_duration_and_outcome(
    suite_profile: ModuleType, junit_file: Path
) -> None:
    run = suite_profile.read_junit(junit_file)
    assert run.seconds == 131.25
    assert run.started == "2026-12-06T04:00:00+00:00"
    by_id = {test.nodeid: test for test in run.tests}
    assert list(by_id) == [
        "tests/orchestrator/test_graph.py::test_order",
        "tests/orchestrator/policy/test_gate.py::TestGate::test_refuses[a.b/c]",
        "tests/terraform/test_modules.py::test_validate_and_terraform_test[modules/s3-bucket]",
        "tests/terraform/test_modules.py::test_validate_and_terraform_test[envs/stacks/foundation]",
        "tests/terraform/test_modules.py::test_terraform_fmt_is_clean",
        "tests/integration/test_destroy.py::test_destroy_leaves_nothing",
        "seed_code/model_build/tests/test_build_pipeline.py::test_definition",
        "tests/benchmarks/test_suite_profile.py::test_something",
    ]
    assert by_id["tests/orchestrator/policy/test_gate.py::TestGate::test_refuses[a.b/c]"].seconds == 1.5
    assert [test.outcome for test in run.tests] == [
        "passed",
        "passed",
        "passed",
        "passed",
        "skipped",
        "failed",
        "failed",
        "passed",
    ]


def test_a_report_with_file_attributes_and_no_testsuites_element_is_read(
    suite_profile: ModuleType, tmp_path: Path
) -> None:
    path = tmp_path / "xunit1.xml"
    path.write_text(
        '<testsuite time="2.0"><testcase classname="tests.docs.test_readme_commands" name="test_x"'
        ' file="tests/docs/test_readme_commands.py" line="3" time="1.0" /></testsuite>',
        encoding="utf-8",
    )
    run = suite_profile.read_junit(path)
    assert [(test.nodeid, test.path) for test in run.tests] == [
        ("tests/docs/test_readme_commands.py::test_x", "tests/docs/test_readme_commands.py")
    ]
    assert (run.seconds, run.started) == (2.0, "")


def test_tests_are_grouped_by_tier_listed_tiers_first(suite_profile: ModuleType, junit_file: Path) -> None:
    totals = suite_profile.tier_totals(suite_profile.read_junit(junit_file).tests)
    assert [(t.tier, t.tests, t.failed, t.skipped, t.seconds) for t in totals] == [
        ("tests/orchestrator", 2, 0, 0, 2.0),
        ("tests/terraform", 3, 0, 1, 100.0),
        ("tests/integration", 1, 1, 0, 20.0),
        ("seed_code/model_build/tests", 1, 1, 0, 3.25),
        ("tests/benchmarks", 1, 0, 0, 0.25),
    ]


def test_a_test_file_belongs_to_the_tier_it_lies_in(suite_profile: ModuleType) -> None:
    assert suite_profile.tier_of("seed_code/model_deploy/tests/test_deploy_names.py") == "seed_code/model_deploy/tests"
    assert suite_profile.tier_of("tests/orchestrator/emulator/test_provider_read_backs.py") == "tests/orchestrator"
    assert suite_profile.tier_of("tests/test_top.py") == "tests"
    assert suite_profile.tier_of("test_root.py") == "(repository root)"


def test_the_slowest_tests_come_longest_first(suite_profile: ModuleType, junit_file: Path) -> None:
    slowest = suite_profile.slowest(suite_profile.read_junit(junit_file).tests, 3)
    assert [test.seconds for test in slowest] == [55.0, 45.0, 20.0]


def test_every_figure_before_has_a_counterpart_now(suite_profile: ModuleType, junit_file: Path, tmp_path: Path) -> None:
    world = tmp_path / "basetemp" / "world"
    world.mkdir(parents=True)
    (world / "first-apply.json").write_text(json.dumps({"seconds": 300.5}), encoding="utf-8")
    (world / "second-apply.json").write_text(json.dumps({"seconds": 60.0}), encoding="utf-8")
    tests = suite_profile.read_junit(junit_file).tests
    run = suite_profile.RunFigures(
        wall=700.0, cpu=900.0, world_applies=suite_profile.world_apply_seconds(tmp_path / "basetemp")
    )
    now = {figure.key: suite_profile.figure_now(figure, tests, run) for figure in suite_profile.FIGURES_BEFORE}
    assert now == {
        "wall": ("700 s", 700.0),
        "tests": ("8 tests", 8.0),
        "double_apply": ("360 s", 360.5),
        "setup_apply": ("300 s", 300.5),
        "destroy": ("20 s", 20.0),
        "module_test": ("45-55 s (50)", 50.0),
    }


def test_without_the_worlds_reports_the_applies_have_no_counterpart(suite_profile: ModuleType, tmp_path: Path) -> None:
    assert suite_profile.world_apply_seconds(None) is None
    assert suite_profile.world_apply_seconds(tmp_path) is None
    run = suite_profile.RunFigures(wall=1.0, cpu=None, world_applies=None)
    figure = next(f for f in suite_profile.FIGURES_BEFORE if f.key == "double_apply")
    assert suite_profile.figure_now(figure, [], run) == ("n/a", None)


def test_the_destroy_is_the_longer_of_its_two_units_which_run_side_by_side(
    suite_profile: ModuleType, tmp_path: Path
) -> None:
    report = tmp_path / "junit.xml"
    report.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="3" time="100.0">
  <testcase classname="tests.integration.test_destroy" name="test_destroy_leaves_nothing" time="60.000" />
  <testcase classname="tests.integration.test_destroy" name="test_destroy_removes_every_environment" time="25.000" />
  <testcase classname="tests.integration.test_destroy_targets" name="test_destroy_removes_staging_and_prod" time="70.000" />
</testsuite></testsuites>
""",
        encoding="utf-8",
    )
    tests = suite_profile.read_junit(report).tests
    figure = next(f for f in suite_profile.FIGURES_BEFORE if f.key == "destroy")
    run = suite_profile.RunFigures(wall=100.0, cpu=None, world_applies=None)
    assert suite_profile.figure_now(figure, tests, run) == ("85 s", 85.0)


def test_the_timeline_gives_each_worker_its_units_in_order_and_when_the_world_was_ready(
    suite_profile: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timeline = sys.modules["suite_timeline"]
    logs = tmp_path / "timeline"
    logs.mkdir()
    root = "tests/terraform/test_modules.py::test_validate_and_terraform_test[modules/kms]"
    events = {
        "gw0": [
            (100.0, "start", root),
            (130.0, "end", root),
            (131.0, "start", "tests/a.py::t1"),
            (132.0, "end", "tests/a.py::t1"),
            (132.0, "start", "tests/a.py::t2"),
            (140.0, "end", "tests/a.py::t2"),
        ],
        "gw1": [(101.0, "start", "tests/b.py::t"), (103.0, "end", "tests/b.py::t")],
        "controller": [(100.0, "start", root)],  # the controller repeats the workers' events
    }
    for worker, lines in events.items():
        (logs / f"{worker}.jsonl").write_text(
            "".join(json.dumps({"t": t, "event": e, "test": n}) + "\n" for t, e, n in lines), encoding="utf-8"
        )
    workers = timeline.read_timeline(logs)
    assert list(workers) == ["gw0", "gw1"]
    assert [(s.unit, s.start, s.end) for s in workers["gw0"]] == [(root, 100.0, 130.0), ("tests/a.py", 131.0, 140.0)]
    timeline.print_timeline(workers, world_ready=120.0)
    out = capsys.readouterr().out
    assert f"        0      30     30  {root}" in out and "        31      40      9  tests/a.py" in out
    assert "gw1: busy 2 s of 3 s" in out and "(the units shorter than 5 s)" in out
    assert "the world was ready at 20 s" in out
