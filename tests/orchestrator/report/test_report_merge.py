"""The plan jobs' run reports (`--report-json`) read back and merged into one (`report --from-dir`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator.errors import ConfigError
from orchestrator.outcome import StackOutcome
from orchestrator.report.merge import load_reports, merge
from orchestrator.report.run_report import RunReport
from tests.orchestrator.github.fake_github import failed, planned, write_report


def test_load_reports_of_a_missing_folder_is_none(tmp_path: Path) -> None:
    assert load_reports(tmp_path / "not-downloaded") == []


def test_load_reports_reads_the_files_by_name(tmp_path: Path) -> None:
    write_report(tmp_path / "plan-report-staging" / "report.json", [planned("staging", "hosting", 1)], 20.0)
    write_report(tmp_path / "plan-report-dev" / "report.json", [planned("dev", "foundation", 2)], 30.0)
    (tmp_path / "notes.txt").write_text("not a report", encoding="utf-8")
    reports = load_reports(tmp_path)
    assert [[o.label for o in r.outcomes] for r in reports] == [["dev/foundation"], ["staging/hosting"]]


@pytest.mark.parametrize(
    "content", ["{not json", '{"target": "aws"}', '{"command": "plan", "target": "aws", "stacks": [{"env": "dev"}]}']
)
def test_load_reports_names_a_file_that_is_not_a_report(tmp_path: Path, content: str) -> None:
    write_report(tmp_path / "a.json", [planned("dev", "foundation", 1)], 1.0)
    (tmp_path / "b.json").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_reports(tmp_path)
    [problem] = raised.value.problems
    assert str(tmp_path / "b.json") in problem and "is not a run report" in problem


def test_load_reports_refuses_a_file_given_as_the_folder(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not a directory"):
        load_reports(tmp_path / "report.json")


def test_merge_concatenates_the_stacks_and_keeps_the_longest_duration() -> None:
    dev = RunReport("plan", "aws", [planned("dev", "foundation", 2), failed("dev", "identity")], 40.0)
    prod = RunReport("plan", "aws", [planned("prod", "hosting", 1)], 55.5)
    merged = merge([dev, prod])
    assert [o.label for o in merged.outcomes] == ["dev/foundation", "dev/identity", "prod/hosting"]
    assert (merged.command, merged.target, merged.seconds, merged.failed) == ("plan", "aws", 55.5, True)


def test_merge_joins_different_commands_and_targets() -> None:
    merged = merge(
        [RunReport("plan", "local", [], 1.0), RunReport("drift", "aws", [], 2.0), RunReport("plan", "aws", [], 3.0)]
    )
    assert (merged.command, merged.target, merged.seconds) == ("drift+plan", "aws+local", 3.0)


def test_merge_of_nothing_is_an_empty_plan() -> None:
    merged = merge([])
    assert (merged.command, merged.target, merged.outcomes, merged.seconds) == ("plan", "aws", [], 0.0)


def test_a_run_report_survives_json() -> None:
    report = RunReport(
        "apply",
        "aws",
        [
            planned("dev", "foundation", 3, result="applied"),
            failed("dev", "identity"),
            StackOutcome("dev", "platform", "apply", result="skipped"),
        ],
        12.25,
    )
    report.outcomes[0].changes.append(("replace", 'module.stack.aws_iam_role.r["a b"]'))
    assert RunReport.from_dict(json.loads(json.dumps(report.to_dict()))) == report
    for outcome in report.outcomes:
        assert StackOutcome.from_dict(json.loads(json.dumps(outcome.to_dict()))) == outcome
