"""The workflow steps as commands: `matrix`, `report`, `pr-comment` and `--step-summary`; none of
them starts Terraform or the emulator."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest
import yaml

from orchestrator import cli
from orchestrator.cli import main
from orchestrator.github import pr_comment
from orchestrator.outcome import StackOutcome
from orchestrator.report.markdown import GITHUB_COMMENT_LIMIT
from orchestrator.report.run_report import RunReport
from tests.conftest import REPO_ROOT, write_env
from tests.orchestrator.github.fake_github import FakeGitHub, failed, fake_github, planned, write_report  # noqa: F401 (the fixture)

STACKS = ("foundation", "identity", "platform")
CHANGES = 3_000


@pytest.fixture(autouse=True)
def no_target(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting Terraform or the emulator is a failure of these tests."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"make_target{args} was called: a target was started")

    monkeypatch.setattr(cli, "make_target", refuse)
    monkeypatch.delenv("ORCHESTRATOR_ENVS_DIR", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def test_matrix_writes_the_github_output_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "github_output"
    assert main(["matrix", "--github-output", str(output)]) == 0
    lines = output.read_text(encoding="utf-8").splitlines()
    assert [line.split("=", 1)[0] for line in lines] == ["matrix", "count", "envs"]
    assert [row["env"] for row in json.loads(lines[0].removeprefix("matrix="))["include"]] == ["dev", "staging", "prod"]
    assert lines[1:] == ["count=3", 'envs=["dev","staging","prod"]']
    assert capsys.readouterr().out.splitlines()[0].split() == ["dev", "111111111111", "eu-west-1", *STACKS, "projects"]


def test_matrix_of_one_env_and_stack_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "github_output"
    assert main(["matrix", "--env", "prod", "--stack", "hosting", "--json", "--github-output", str(output)]) == 0
    [row] = json.loads(capsys.readouterr().out)["include"]
    assert (
        row["apply_role_arn"] == "arn:aws:iam::333333333333:role/mlops-prod-github-apply" and row["stacks"] == "hosting"
    )
    assert (
        "apply_role_arn=arn:aws:iam::333333333333:role/mlops-prod-github-apply"
        in output.read_text(encoding="utf-8").splitlines()
    )


def test_matrix_of_an_unknown_env_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "github_output"
    assert main(["matrix", "--env", "nope", "--github-output", str(output)]) == 2
    assert "unknown environment 'nope'" in capsys.readouterr().err and not output.exists()


def _prod_stage(envs_dir: Path, prod: object) -> Path:
    """dev's and prod's env.yaml with dev's prod stage as given (a list, or an OU with its read role)."""
    dev = yaml.safe_load((REPO_ROOT / "envs" / "dev" / "env.yaml").read_text(encoding="utf-8"))
    dev["target_accounts"]["prod"] = prod
    if isinstance(prod, dict):
        dev["organizations"] = {"read_role_arn": "arn:aws:iam::444455556666:role/organization-reader"}
    write_env(envs_dir, "dev", dev)
    write_env(envs_dir, "prod", yaml.safe_load((REPO_ROOT / "envs" / "prod" / "env.yaml").read_text(encoding="utf-8")))
    return envs_dir


@pytest.mark.parametrize(
    "prod", [["333333333333", "444444444444"], {"organizational_unit": "ou-ab12-cd34ef56"}], ids=["listed", "ou"]
)
def test_matrix_of_one_account_of_the_stage_gives_that_accounts_roles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, prod: object
) -> None:
    """What env-deploy.yml's jobs read before assuming a role: the account's own roles, with no AWS
    call (an OU's account comes from `targets`, which resolved it; plan and apply check it again)."""
    monkeypatch.setenv("ORCHESTRATOR_ENVS_DIR", str(_prod_stage(tmp_path / "envs", prod)))
    output = tmp_path / "github_output"
    assert main(["matrix", "--env", "prod", "--account", "444444444444", "--github-output", str(output)]) == 0
    fields = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
    assert (fields["env"], fields["account_id"], fields["region"]) == ("prod", "444444444444", "eu-west-1")
    assert fields["plan_role_arn"] == "arn:aws:iam::444444444444:role/mlops-prod-github-plan"
    assert fields["apply_role_arn"] == "arn:aws:iam::444444444444:role/mlops-prod-github-apply"
    assert capsys.readouterr().out.split()[:2] == ["prod", "444444444444"]


def test_matrix_of_an_account_outside_the_listed_stage_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORCHESTRATOR_ENVS_DIR", str(_prod_stage(tmp_path / "envs", ["333333333333"])))
    output = tmp_path / "github_output"
    assert main(["matrix", "--env", "prod", "--account", "555555555555", "--github-output", str(output)]) == 2
    assert "is not an account of dev's target_accounts.prod" in capsys.readouterr().err and not output.exists()


@pytest.mark.parametrize("command", [["plan"], ["apply"], ["drift"], ["destroy", "--yes"]])
def test_step_summary_without_its_variable_exits_2_before_anything_runs(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert main([*command, "--env", "dev", "--step-summary"]) == 2
    assert "$GITHUB_STEP_SUMMARY is not set" in capsys.readouterr().err


def _write_job_reports(folder: Path, staging_result: str, changes: int = CHANGES) -> None:
    """Two plan jobs' reports: dev with large plans, staging with one stack that planned or failed."""
    write_report(folder / "plan-report-dev" / "report.json", [planned("dev", stack, changes) for stack in STACKS], 90.0)
    hosting = failed("staging", "hosting") if staging_result == "failed" else planned("staging", "hosting", 2)
    write_report(folder / "plan-report-staging" / "report.json", [hosting], 30.0)


def _report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reports: Path, *extra: str) -> tuple[int, str]:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "step_summary.md"))
    code = main(
        [
            "report",
            "--from-dir",
            str(reports),
            "--markdown",
            str(tmp_path / "out" / "comment.md"),
            "--step-summary",
            *extra,
        ]
    )
    return code, (tmp_path / "out" / "comment.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("staging_result", "exit_code"), [("failed", 1), ("changes", 0)])
@pytest.mark.parametrize("changes", [CHANGES, 550, 610])  # no plan fits; two fit (62,000 characters); one fits
def test_report_merges_the_jobs_into_one_bounded_comment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, staging_result: str, exit_code: int, changes: int
) -> None:
    _write_job_reports(tmp_path / "reports", staging_result, changes)
    code, comment = _report(tmp_path, monkeypatch, tmp_path / "reports")
    assert code == exit_code
    assert comment.startswith(pr_comment.MARKER + "\n### `plan` on `aws`: ") and len(comment) < GITHUB_COMMENT_LIMIT
    for stack in STACKS:
        assert f"| `dev/{stack}` | plan | {changes} | 0 | 0 | 3 s | changes |  |" in comment
    assert f"| `staging/hosting` | plan | {0 if staging_result == 'failed' else 2} |" in comment
    assert "the full report is `comment.txt`" in comment and (tmp_path / "out" / "comment.txt").is_file()
    assert (tmp_path / "step_summary.md").read_text(encoding="utf-8") == comment + "\n", (
        "the step summary is the same Markdown"
    )


def test_report_step_summary_appends_to_what_the_job_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "step_summary.md").write_text("## earlier step\n", encoding="utf-8")
    _write_job_reports(tmp_path / "reports", "changes")
    assert _report(tmp_path, monkeypatch, tmp_path / "reports")[0] == 0
    assert (
        (tmp_path / "step_summary.md").read_text(encoding="utf-8").startswith("## earlier step\n" + pr_comment.MARKER)
    )


def test_report_full_text_holds_every_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_job_reports(tmp_path / "reports", "changes")
    _report(tmp_path, monkeypatch, tmp_path / "reports")
    full = (tmp_path / "out" / "comment.txt").read_text(encoding="utf-8")
    expected = {f"aws_ssm_parameter.dev_{stack}[{i}]" for stack in STACKS for i in range(CHANGES)}
    assert set(re.findall(r"aws_ssm_parameter\.dev_\w+\[\d+\]", full)) == expected


def test_report_json_prints_the_merged_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_job_reports(tmp_path / "reports", "failed")
    assert _report(tmp_path, monkeypatch, tmp_path / "reports", "--json")[0] == 1
    merged = json.loads(capsys.readouterr().out)
    assert [f"{s['env']}/{s['stack']}" for s in merged["stacks"]] == [*(f"dev/{s}" for s in STACKS), "staging/hosting"]
    assert merged["ok"] is False and merged["seconds"] == 90.0


@pytest.mark.parametrize("create", [True, False])
def test_report_of_no_report_says_no_stack_is_affected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, create: bool
) -> None:
    if create:
        (tmp_path / "reports").mkdir()
    code, comment = _report(tmp_path, monkeypatch, tmp_path / "reports")
    assert code == 0 and comment.startswith(pr_comment.MARKER + "\n### No stack is affected")
    assert (tmp_path / "out" / "comment.txt").read_text(encoding="utf-8") == "No stack is affected.\n"


def test_report_names_an_expected_env_whose_job_left_no_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_job_reports(tmp_path / "reports", "changes", changes=3)
    code, comment = _report(tmp_path, monkeypatch, tmp_path / "reports", "--expected-envs", '["dev","staging","prod"]')
    assert code == 1, "a missing report is a failure, not 'nothing affected'"
    assert (
        "| `prod/(no report)` | plan | 0 | 0 | 0 | 0 s | failed | no run report from prod: its job failed before the orchestrator ran"
        in comment
    )
    assert "`dev/(no report)`" not in comment and "`staging/(no report)`" not in comment


@pytest.mark.parametrize("value", ["dev", '["dev", 3]', '["Dev"]', '{"env": "dev"}'])
def test_report_refuses_a_bad_expected_env_list(tmp_path: Path, value: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--from-dir", str(tmp_path), "--markdown", str(tmp_path / "c.md"), "--expected-envs", value])
    assert exit_.value.code == 2


@pytest.mark.parametrize("content", ["{truncated", "[]", '{"command": "plan", "target": "aws", "stacks": [1]}'])
def test_report_of_a_bad_file_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "report.json").write_text(content, encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "step_summary.md"))
    assert main(["report", "--from-dir", str(tmp_path / "reports"), "--markdown", str(tmp_path / "comment.md")]) == 2
    assert (
        str(tmp_path / "reports" / "report.json") in capsys.readouterr().err and not (tmp_path / "comment.md").exists()
    )


@pytest.mark.parametrize("number", ["0", "-3", "abc", "1.5"])
def test_pr_comment_needs_a_pull_request_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], number: str
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["pr-comment", f"--pr={number}", "--body-file", str(tmp_path / "comment.md")])
    assert raised.value.code == 2 and "must be a pull request number" in capsys.readouterr().err


def test_pr_comment_creates_then_updates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_github.add_comment(7, "please rebase")
    _write_job_reports(tmp_path / "reports", "changes")
    _report(tmp_path, monkeypatch, tmp_path / "reports")
    capsys.readouterr()
    body = tmp_path / "out" / "comment.md"
    assert main(["pr-comment", "--pr", "7", "--body-file", str(body)]) == 0
    assert capsys.readouterr().out.startswith("created the plan comment of pull request #7: https://github.com/")
    body.write_text(
        pr_comment.MARKER + "\n### No stack is affected by this change: nothing to plan.\n", encoding="utf-8"
    )
    assert main(["pr-comment", "--pr", "7", "--body-file", str(body)]) == 0
    assert capsys.readouterr().out.startswith("updated the plan comment of pull request #7: ")
    assert fake_github.bodies(7) == ["please rebase", body.read_text(encoding="utf-8")], (
        "one marked comment, marked once"
    )


def test_pr_comment_without_a_body_file_exits_2_before_any_request(
    tmp_path: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pr-comment", "--pr", "7", "--body-file", str(tmp_path / "missing.md")]) == 2
    assert "--body-file" in capsys.readouterr().err and fake_github.requests == []


def test_pr_comment_without_a_token_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.setenv("GITHUB_REPOSITORY", "example-org/mlops-platform")
    (tmp_path / "comment.md").write_text("body", encoding="utf-8")
    assert main(["pr-comment", "--pr", "7", "--body-file", str(tmp_path / "comment.md")]) == 2
    assert "GITHUB_TOKEN: not set" in capsys.readouterr().err


def test_pr_comment_reports_github_refusing(
    tmp_path: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_github.failure = (403, "Resource not accessible by integration")
    (tmp_path / "comment.md").write_text("body", encoding="utf-8")
    assert main(["pr-comment", "--pr", "7", "--body-file", str(tmp_path / "comment.md")]) == 1
    assert "HTTP 403" in capsys.readouterr().err


@pytest.mark.parametrize(("add", "expected"), [(2, "true"), (0, "false")])
def test_plan_github_output_says_whether_there_is_anything_to_apply(tmp_path: Path, add: int, expected: str) -> None:
    report = RunReport(
        "plan", "aws", [StackOutcome("dev", "foundation", "plan", result="changes" if add else "no changes", add=add)]
    )
    output = tmp_path / "github_output"
    cli._write_reports(
        argparse.Namespace(github_output=output, report_json=None, markdown=None, step_summary=False), report
    )
    assert output.read_text(encoding="utf-8") == f"changes={expected}\n"
