"""The IAM linter gate: parliament findings are either explained by an accepted entry or fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator.policy import iam_lint

# s3:GetObject applies to objects, not to a bucket ARN: the grant can never take effect.
MISMATCHED = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket"}],
}
CLEAN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}],
}


def test_a_mismatched_resource_is_found_and_unexplained_without_an_entry() -> None:
    findings = iam_lint.lint({"inline:role/policy": MISMATCHED})
    assert [(f.issue, f.actions) for f in findings] == [("RESOURCE_MISMATCH", ("s3:GetObject",))]
    verdict = iam_lint.judge(findings, [])
    assert not verdict.ok and verdict.unexplained == findings


def test_a_clean_policy_has_no_findings() -> None:
    assert iam_lint.lint({"inline:role/policy": CLEAN}) == []


def test_an_entry_explains_only_its_issue_policies_and_actions() -> None:
    findings = iam_lint.lint({"inline:role/policy": MISMATCHED})
    entry = iam_lint.Accepted("RESOURCE_MISMATCH", ("inline:role/*",), "reason", ("s3:GetObject",))
    assert iam_lint.judge(findings, [entry]).ok
    other_policy = iam_lint.Accepted("RESOURCE_MISMATCH", ("managed:*",), "reason", ("s3:GetObject",))
    other_action = iam_lint.Accepted("RESOURCE_MISMATCH", ("*",), "reason", ("s3:PutObject",))
    other_issue = iam_lint.Accepted("RESOURCE_STAR", ("*",), "reason")
    for wrong in (other_policy, other_action, other_issue):
        verdict = iam_lint.judge(findings, [wrong])
        assert verdict.unexplained == findings and verdict.stale == [wrong]


def test_an_entry_that_explains_nothing_is_stale() -> None:
    entry = iam_lint.Accepted("RESOURCE_STAR", ("*",), "reason")
    verdict = iam_lint.judge([], [entry])
    assert not verdict.ok and verdict.stale == [entry]


def test_the_accepted_file_loads_and_every_entry_has_a_reason() -> None:
    accepted = iam_lint.load_accepted()
    assert accepted and all(len(entry.reason) > 40 for entry in accepted)


def test_an_entry_without_a_reason_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "accepted.toml"
    path.write_text('[[accepted]]\nissue = "RESOURCE_STAR"\npolicies = ["*"]\nreason = " "\n')
    with pytest.raises(ValueError, match="no reason"):
        iam_lint.load_accepted(path)
