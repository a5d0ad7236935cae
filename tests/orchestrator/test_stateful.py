"""Deletes and replaces of resources that hold data: classified from the plan, held until each
address is allowed, stale consents refused, and shown first in the run report and its Markdown."""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path
from typing import Any, cast

import pytest

from orchestrator.commands import _consented, _held, _run_stack
from orchestrator.config import load_env
from orchestrator.engine import Engine
from orchestrator.errors import EXIT_BAD_INPUT, EXIT_FAILURE
from orchestrator.outcome import StackOutcome
from orchestrator.progress import Progress
from orchestrator.report import markdown as markdown_report
from orchestrator.report.run_report import RunReport
from orchestrator.stacks import STACKS
from orchestrator.stateful import (
    STATEFUL_TYPES,
    Consent,
    backend_kept,
    consent,
    homes_at_stake,
    refusal,
    stateful_addresses,
    stateful_changes,
)
from tests.conftest import PYTHON, REPO_ROOT, orchestrator_env
from tests.orchestrator.terraform.test_workspace import FakeTarget

DOMAIN = "module.stack.module.studio.aws_sagemaker_domain.this"
PROFILE = 'module.stack.module.studio.aws_sagemaker_user_profile.this["alice"]'
KEY = 'module.stack.module.kms.aws_kms_key.this["data"]'


def _planned(*changes: tuple[str, str], stack: str = "platform", action: str = "plan") -> StackOutcome:
    return StackOutcome("dev", stack, action, result="changes", destroy=len(changes), changes=list(changes))


# ---- classification --------------------------------------------------------------------------


@pytest.mark.parametrize("resource_type", sorted(STATEFUL_TYPES))
def test_every_stateful_type_deleted_or_replaced_is_classified(resource_type: str) -> None:
    address = f'module.stack.module.m.{resource_type}.this["k"]'
    assert stateful_addresses("platform", [("delete", address)]) == {address: "delete"}
    assert stateful_addresses("platform", [("replace", address)]) == {address: "replace"}


def test_creates_updates_forgets_and_stateless_types_are_not() -> None:
    changes = [
        ("create", DOMAIN),
        ("update", DOMAIN),
        ("remove", KEY),
        ("read", "data.aws_kms_key.this"),
        ("replace", "module.stack.aws_iam_role.this"),
        ("delete", "module.stack.aws_ssm_parameter.contract"),
    ]
    assert stateful_addresses("platform", changes) == {}


def test_the_state_backend_is_named_as_such() -> None:
    [change] = stateful_changes(_planned(("replace", "aws_s3_bucket.state"), stack="bootstrap"))
    assert change.holds.startswith("the state backend's S3 bucket") and "every stack's state" in change.holds


# ---- consent parsing -------------------------------------------------------------------------


def test_consent_names_env_stack_and_address() -> None:
    given = consent(f"dev/platform:{PROFILE}")
    assert given == Consent("dev", "platform", PROFILE)
    assert str(given) == f"dev/platform:{PROFILE}" and given.label == "dev/platform"


@pytest.mark.parametrize(
    "text",
    ["platform:" + DOMAIN, "dev/platform", f"dev:{DOMAIN}", "dev/platform:", "Dev/platform:" + DOMAIN, "dev/p:x y.z"],
)
def test_a_consent_without_env_stack_and_address_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="must be ENV/STACK:ADDRESS"):
        consent(text)


# ---- the refusal -----------------------------------------------------------------------------


class _PlanShown:
    """The engine's `terraform show -json` of the saved plan, as a file."""

    def __init__(self, tmp_path: Path, document: dict[str, Any]) -> None:
        self.path = tmp_path / "plan.json"
        self.path.write_text(json.dumps(document))
        self.shown = 0

    def export_plan(self, *_: object) -> Path:
        self.shown += 1
        return self.path


def _prior(domain_id: str = "d-abc123", efs: str = "fs-0123") -> dict[str, Any]:
    studio = {
        "address": "module.stack.module.studio",
        "resources": [
            {
                "address": DOMAIN,
                "type": "aws_sagemaker_domain",
                "values": {"id": domain_id, "home_efs_file_system_id": efs},
            },
            *(
                {
                    "address": f'module.stack.module.studio.aws_sagemaker_user_profile.this["{user}"]',
                    "type": "aws_sagemaker_user_profile",
                    "values": {"domain_id": domain_id, "user_profile_name": user},
                }
                for user in ("bob", "alice")
            ),
        ],
    }
    return {"prior_state": {"values": {"root_module": {"child_modules": [{"child_modules": [studio]}]}}}}


def _consent_for(tmp_path: Path, planned: StackOutcome, *given: Consent) -> tuple[StackOutcome | None, _PlanShown]:
    shown = _PlanShown(tmp_path, _prior())
    stopped = _consented(cast(Engine, shown), FakeTarget(), load_env("dev"), STACKS["platform"], planned, tuple(given))
    return stopped, shown


def test_a_domain_replacement_without_consent_is_refused_naming_address_action_flag_and_homes(tmp_path: Path) -> None:
    planned = _planned(("replace", DOMAIN), ("replace", PROFILE), ("update", "module.stack.aws_ssm_parameter.p"))
    stopped, shown = _consent_for(tmp_path, planned)
    assert stopped is None and shown.shown == 1
    assert planned.at_stake == {DOMAIN: "home directories on EFS fs-0123 of domain d-abc123, user profiles alice, bob"}
    refused = _held(planned)
    assert refused is not None and refused.result == "failed" and refused.action == "apply"
    assert refused.error.startswith(
        "the plan of dev/platform deletes or replaces 2 resource(s) that hold data; nothing was applied."
    )
    assert (
        f"  replace {DOMAIN} (Studio domain: its users' home directories (EFS) go with it); at stake: home directories on EFS fs-0123"
        in refused.error
    )
    assert f"allow it with --allow-destroy dev/platform:{DOMAIN}" in refused.error
    assert f"allow it with --allow-destroy 'dev/platform:{PROFILE}'" in refused.error
    assert RunReport("apply", "local", [refused]).exit_code() == EXIT_FAILURE


def test_each_address_must_be_allowed_and_destroy_needs_no_consent(tmp_path: Path) -> None:
    planned = _planned(("replace", DOMAIN), ("replace", PROFILE))
    _consent_for(tmp_path, planned, Consent("dev", "platform", DOMAIN))
    refused = _held(planned)
    assert refused is not None and refusal(planned).count("allow it with") == 1
    assert f"--allow-destroy 'dev/platform:{PROFILE}'" in refused.error, "quoted for the shell"
    assert f"--allow-destroy dev/platform:{DOMAIN}" not in refused.error
    both = _planned(("replace", DOMAIN), ("replace", PROFILE))
    _consent_for(tmp_path, both, Consent("dev", "platform", DOMAIN), Consent("dev", "platform", PROFILE))
    assert _held(both) is None and both.allowed == sorted([DOMAIN, PROFILE])
    assert _held(_planned(("delete", DOMAIN), action="destroy")) is None


def test_a_consent_naming_nothing_the_plan_deletes_or_replaces_is_stale(tmp_path: Path) -> None:
    planned = _planned(("update", DOMAIN))
    stopped, shown = _consent_for(
        tmp_path, planned, Consent("dev", "platform", DOMAIN), Consent("dev", "identity", KEY)
    )
    assert stopped is not None and stopped.stale_consent and stopped.result == "failed" and shown.shown == 0
    assert f"  dev/platform:{DOMAIN}" in stopped.error and "stale consent" in stopped.error
    assert "dev/identity" not in stopped.error, "another stack's consent is that stack's business"
    assert RunReport("apply", "local", [stopped]).exit_code() == EXIT_BAD_INPUT


def test_the_consent_survives_the_reviewed_plans_summary() -> None:
    planned = _planned(("replace", DOMAIN))
    planned.allowed, planned.at_stake = [DOMAIN], {DOMAIN: "home directories on EFS fs-1"}
    saved = StackOutcome.from_dict(json.loads(json.dumps(planned.to_dict())))
    assert saved.allowed == [DOMAIN] and saved.at_stake == planned.at_stake and _held(saved) is None


def test_homes_at_stake_only_for_the_domains_asked() -> None:
    assert homes_at_stake(_prior(), []) == {}
    assert homes_at_stake({}, [DOMAIN]) == {}


# ---- the report and its Markdown ---------------------------------------------------------------


def _report(tmp_path: Path) -> RunReport:
    planned = _planned(("replace", DOMAIN), ("replace", PROFILE))
    _consent_for(tmp_path, planned, Consent("dev", "platform", PROFILE))
    refused = _held(planned)
    assert refused is not None
    quiet = StackOutcome("dev", "identity", "apply", result="no changes")
    return RunReport("apply", "local", [quiet, refused], 12.0)


def test_the_report_shows_stateful_changes_first_with_their_consent(tmp_path: Path) -> None:
    report = _report(tmp_path)
    text = report.text()
    assert text.startswith("Stateful changes (2): data goes with them\n")
    assert f"  replace dev/platform: {DOMAIN}\n" in text
    assert "          at stake: home directories on EFS fs-0123 of domain d-abc123, user profiles alice, bob" in text
    assert f"          consent: held: pass --allow-destroy dev/platform:{DOMAIN}" in text
    assert "          consent: allowed\n" in text
    assert text.index("Stateful changes") < text.index("dev/platform FAILED")
    stateful = report.to_dict()["stateful"]
    assert [(s["address"], s["action"], s["consent"]) for s in stateful] == [
        (DOMAIN, "replace", "held"),
        (PROFILE, "replace", "allowed"),
    ]
    assert stateful[0]["stack"] == "dev/platform" and stateful[0]["at_stake"].startswith("home directories on EFS")
    assert "Stateful" not in RunReport("apply", "local", [StackOutcome("dev", "x", "apply")]).text()


def test_the_markdown_shows_stateful_changes_before_the_table(tmp_path: Path) -> None:
    report = _report(tmp_path)
    text = markdown_report.render(report.command, report.target, report.outcomes, report.seconds, "r.txt")
    assert text.index("#### Stateful changes (2): data goes with them") < text.index("| stack | action | add |")
    assert (
        f"| `dev/platform` | **replace** | `{DOMAIN}` | Studio domain: its users' home directories (EFS) go with it "
        f"| home directories on EFS fs-0123 of domain d-abc123, user profiles alice, bob "
        f"| **held**: `--allow-destroy dev/platform:{DOMAIN}` |"
    ) in text
    assert f"| `{PROFILE}` |" in text and text.count("| allowed |") == 1
    destroyed = markdown_report.render("destroy", "local", [_planned(("delete", KEY), action="destroy")], 1.0, "r")
    assert "| allowed by destroy |" in destroyed


# ---- the command line: checked before anything runs ---------------------------------------------


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "orchestrator", *args],
        cwd=REPO_ROOT,
        env=orchestrator_env(ORCHESTRATOR_WORK_DIR=str(tmp_path / "work"), ORCHESTRATOR_TERRAFORM="/nonexistent"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_refuses_bad_stale_and_misplaced_consents_with_exit_2(tmp_path: Path) -> None:
    bad = _cli(tmp_path, "apply", "--env", "dev", "--allow-destroy", "domain")
    assert bad.returncode == 2 and "must be ENV/STACK:ADDRESS" in bad.stderr
    other = _cli(tmp_path, "apply", "--env", "dev", "--stack", "platform", "--allow-destroy", f"dev/identity:{KEY}")
    assert (
        other.returncode == 2 and f"dev/identity:{KEY} names dev/identity, which this run does not plan" in other.stderr
    )
    reviewed = tmp_path / "reviewed"
    reviewed.mkdir()
    (reviewed / "dev.platform.summary.json").write_text(json.dumps(_planned(("replace", DOMAIN)).to_dict()))
    with_from = _cli(
        tmp_path, "apply", "--env", "dev", "--from", str(reviewed), "--allow-destroy", f"dev/platform:{DOMAIN}"
    )
    assert with_from.returncode == 2 and "not with --from" in with_from.stderr


def test_a_reviewed_plan_saved_without_consent_is_refused_before_anything_runs(tmp_path: Path) -> None:
    reviewed = tmp_path / "reviewed"
    reviewed.mkdir()
    (reviewed / "dev.platform.summary.json").write_text(json.dumps(_planned(("replace", DOMAIN)).to_dict()))
    refused = _cli(tmp_path, "apply", "--env", "dev", "--from", str(reviewed))
    assert refused.returncode == 1, refused.stderr
    assert f"allow it with --allow-destroy dev/platform:{DOMAIN}" in refused.stderr
    assert "were saved without that consent: nothing was applied" in refused.stderr
    assert not (tmp_path / "work").exists() or not any((tmp_path / "work").rglob("*.tfplan"))


def test_bootstrap_never_applies_a_plan_that_deletes_or_replaces_the_state_backend() -> None:
    removed = stateful_addresses(
        "bootstrap", [("replace", "aws_dynamodb_table.lock"), ("update", "aws_s3_bucket.state")]
    )
    assert removed == {"aws_dynamodb_table.lock": "replace"}
    text = backend_kept("dev", removed)
    assert (
        text.startswith("the bootstrap plan of dev deletes or replaces the state backend")
        and "nothing was applied" in text
    )
    assert "  replace aws_dynamodb_table.lock" in text


class _Planner(_PlanShown):
    """An engine whose plan replaces the Studio domain; it keeps what `plan --out-dir` saves."""

    def __init__(self, tmp_path: Path) -> None:
        super().__init__(tmp_path, _prior())
        self.saved: list[StackOutcome] = []
        self.applied: list[StackOutcome] = []

    def plan(self, *_: object, **__: object) -> StackOutcome:
        return _planned(("replace", DOMAIN))

    def save_plan(self, _env: object, _stack: object, planned: StackOutcome, _dir: Path) -> None:
        self.saved.append(planned)

    def apply(self, _env: object, _stack: object, planned: StackOutcome) -> StackOutcome:
        self.applied.append(planned)
        return planned


def _stack_run(tmp_path: Path, command: str, out_dir: Path | None, *given: Consent) -> tuple[StackOutcome, _Planner]:
    planner = _Planner(tmp_path)
    [outcome] = _run_stack(
        command,
        cast(Engine, planner),
        FakeTarget(),
        load_env("dev"),
        STACKS["platform"],
        Progress(),
        out_dir,
        consents=tuple(given),
    )
    return outcome, planner


def test_plan_out_dir_records_the_consent_and_apply_applies_only_what_is_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORCHESTRATOR_WORK_DIR", str(tmp_path / "work"))
    allowed = Consent("dev", "platform", DOMAIN)
    _, planner = _stack_run(tmp_path, "plan", tmp_path / "reviewed", allowed)
    [saved] = planner.saved
    assert saved.allowed == [DOMAIN] and saved.at_stake[DOMAIN].startswith("home directories on EFS fs-0123")
    refused, planner = _stack_run(tmp_path, "apply", None)
    assert refused.result == "failed" and not planner.applied, "nothing was applied"
    applied, planner = _stack_run(tmp_path, "apply", None, allowed)
    assert planner.applied == [applied] and applied.allowed == [DOMAIN]
