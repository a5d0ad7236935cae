"""The Markdown run report: a table of every stack, plans while they fit, never over GitHub's limit."""

from __future__ import annotations

from pathlib import Path

from orchestrator.outcome import StackOutcome
from orchestrator.report import markdown as markdown_report


def _planned(stack: str, resources: int) -> StackOutcome:
    outcome = StackOutcome("dev", stack, "plan", result="changes", add=resources, duration=12.4)
    outcome.changes = [("create", f"module.stack.aws_ssm_parameter.p[{i}]") for i in range(resources)]
    return outcome


def test_table_lists_every_stack_with_result_and_reason() -> None:
    failed = StackOutcome(
        "dev", "identity", "apply", result="failed", error="Error: creating IAM Role | AccessDenied\nmore"
    )
    skipped = StackOutcome("dev", "platform", "apply", result="skipped", error="dev/identity failed")
    text = markdown_report.render("apply", "aws", [_planned("foundation", 2), failed, skipped], 40.0, "report.txt")
    assert text.startswith("### `apply` on `aws`: failed (3 stack(s), 40 s)")
    assert "| `dev/foundation` | plan | 2 | 0 | 0 | 12 s | changes |  |" in text
    assert "| `dev/identity` | apply | 0 | 0 | 0 | 0 s | failed | Error: creating IAM Role \\| AccessDenied |" in text
    assert "| `dev/platform` | apply | 0 | 0 | 0 | 0 s | skipped | dev/identity failed |" in text
    assert text.index("dev/identity: failed") < text.index("dev/foundation: 2 to add"), "failures come first"
    assert "+ module.stack.aws_ssm_parameter.p[1]" in text


def test_large_plans_are_summarised_under_the_limit_and_named() -> None:
    outcomes = [_planned(f"stack{i}", 2_000) for i in range(5)]
    text = markdown_report.render("plan", "aws", outcomes, 100.0, "plan-report.txt")
    assert len(text) < markdown_report.GITHUB_COMMENT_LIMIT
    assert all(f"| `dev/stack{i}` |" in text for i in range(5)), "the table always has every stack"
    assert "Not shown here to stay within GitHub's comment size" in text and "`plan-report.txt`" in text


def test_write_puts_the_full_text_beside_the_markdown(tmp_path: Path) -> None:
    full = markdown_report.write("the whole report", "| table |", tmp_path / "out" / "report.md")
    assert full == tmp_path / "out" / "report.txt"
    assert full.read_text() == "the whole report\n"
    assert (tmp_path / "out" / "report.md").read_text() == "| table |\n"
