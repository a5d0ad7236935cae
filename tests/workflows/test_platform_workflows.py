"""The platform's GitHub Actions workflows (.github/workflows/): the safety invariants hold for the
real files, and each check reports a workflow broken in the way it guards against.

The checks live in `tests/workflows/invariants.py` (pure functions over the parsed YAML); the
tests below also read a few things only the text has (version comments) or that are specific to
one workflow (triggers, artifacts, change detection). No Terraform, no AWS, no network.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.workflows import invariants as inv

PLATFORM_WORKFLOWS = {"pr.yml", "deploy.yml", "env-deploy.yml", "stage-waves.yml", "drift.yml"}
STAGES = ("staging", "prod")
OPTIONAL_ACCOUNT = '${ACCOUNT:+--account "$ACCOUNT"}'

TERRAFORM_VERSION = "1.11.4"


@pytest.fixture(scope="module")
def loaded() -> inv.Workflows:
    return inv.load_workflows()


@pytest.fixture
def workflows(loaded: inv.Workflows) -> inv.Workflows:
    """A deep copy that a test may break."""
    return inv.copy_of(loaded)


def job(workflows: inv.Workflows, name: str, job_id: str) -> dict[str, Any]:
    return workflows[name]["jobs"][job_id]


def step_running(job: dict[str, Any], fragment: str) -> dict[str, Any]:
    found = [step for step in inv.steps(job) if fragment in str(step.get("run", ""))]
    assert len(found) == 1, f"expected one step running {fragment!r}, found {len(found)}"
    return found[0]


def step_using(job: dict[str, Any], action: str) -> dict[str, Any]:
    found = inv.action_steps(job, action)
    assert len(found) == 1, f"expected one {action} step, found {len(found)}"
    return found[0]


def triggers_inputs(workflows: inv.Workflows) -> dict[str, Any]:
    return inv.triggers(workflows["env-deploy.yml"])["workflow_call"]["inputs"]


def assert_reports(check: Callable[[inv.Workflows], list[str]], workflows: inv.Workflows, *fragments: str) -> None:
    violations = check(workflows)
    for fragment in fragments:
        assert any(fragment in violation for violation in violations), (
            f"{check.__name__} missed {fragment!r}: {violations}"
        )


# --- the real workflows -------------------------------------------------------------------------------


def test_the_platform_workflows_are_there(loaded: inv.Workflows) -> None:
    assert PLATFORM_WORKFLOWS <= set(loaded)


@pytest.mark.parametrize("invariant", sorted(inv.INVARIANTS))
def test_each_invariant_holds_for_the_real_workflows(loaded: inv.Workflows, invariant: str) -> None:
    assert inv.INVARIANTS[invariant](loaded) == []


def test_the_deploy_graph_is_dev_then_staging_then_prod(loaded: inv.Workflows) -> None:
    """dev once; each stage's canary, then its rest; every staging apply before any prod job."""
    flat = {f.id: f for f in inv.flatten(loaded)}
    applies: dict[str, list[str]] = {}
    for f in flat.values():
        for arguments in inv.runs(f, "apply") if f.root == "deploy.yml" else []:
            applies.setdefault(str(inv.option(arguments, "--env")), []).append(f.id)
            assert inv.environment_name(f.job) == inv.option(arguments, "--env")
    assert applies == {
        "dev": ["deploy.yml:dev > env-deploy.yml:apply"],
        "staging": [f"deploy.yml:staging-{part} > env-deploy.yml:apply" for part in ("canary", "rest")],
        "prod": [f"deploy.yml:prod-{part} > env-deploy.yml:apply" for part in ("canary", "rest")],
    }
    for previous, env in (("dev", "staging"), ("staging", "prod")):
        for later in applies[env]:
            assert set(applies[previous]) <= inv.ancestors(flat[later], flat), f"{later} before {previous}"
    # prod's waves job already waits for every staging account.
    assert set(applies["staging"]) <= inv.ancestors(flat["deploy.yml:prod-waves > stage-waves.yml:waves"], flat)
    for stage in STAGES:
        assert f"deploy.yml:{stage}-canary > env-deploy.yml:apply" in inv.ancestors(
            flat[f"deploy.yml:{stage}-rest > env-deploy.yml:plan"], flat
        ), "the rest is not even planned before the canary is applied"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_deploys_its_canary_then_the_rest_in_waves(loaded: inv.Workflows, stage: str) -> None:
    waves, canary, rest = (job(loaded, "deploy.yml", f"{stage}-{part}") for part in ("waves", "canary", "rest"))
    outputs = f"needs.{stage}-waves.outputs"
    assert waves["uses"] == "./.github/workflows/stage-waves.yml" and waves["with"] == {"stage": stage}
    assert canary["needs"] == f"{stage}-waves"
    assert canary["uses"] == rest["uses"] == "./.github/workflows/env-deploy.yml"
    assert canary["with"] == {"environment": stage, "account": f"${{{{ {outputs}.canary_account }}}}"}
    assert rest["with"] == {"environment": stage, "account": "${{ matrix.account_id }}"}
    assert rest["needs"] == [f"{stage}-waves", f"{stage}-canary"]
    assert rest["if"].endswith(f"{outputs}.rest_count != '0' }}}}"), "no rest job when the canary is the only account"
    assert rest["strategy"] == {
        "fail-fast": True,
        "max-parallel": f"${{{{ fromJSON({outputs}.max_parallel) }}}}",
        "matrix": f"${{{{ fromJSON({outputs}.rest) }}}}",
    }
    assert canary["concurrency"] == {
        "group": f"deploy-{stage}-${{{{ {outputs}.canary_account }}}}",
        "cancel-in-progress": False,
    }
    assert rest["concurrency"] == {"group": f"deploy-{stage}-${{{{ matrix.account_id }}}}", "cancel-in-progress": False}


def test_prod_waits_for_every_staging_account(loaded: inv.Workflows) -> None:
    prod_waves = job(loaded, "deploy.yml", "prod-waves")
    assert prod_waves["needs"] == ["staging-canary", "staging-rest"]
    assert prod_waves["if"] == (
        "${{ !cancelled() && needs.staging-canary.result == 'success' && "
        "(needs.staging-rest.result == 'success' || needs.staging-rest.result == 'skipped') }}"
    ), "staging's rest may be skipped (one account), never failed or cancelled"
    assert job(loaded, "deploy.yml", "staging-waves")["needs"] == "dev"
    # GitHub's implicit success() looks at every earlier job of the chain: after a skipped
    # staging-rest, a prod job without its own status check would be skipped.
    assert job(loaded, "deploy.yml", "prod-canary")["if"] == (
        "${{ !cancelled() && needs.prod-waves.result == 'success' }}"
    )
    assert job(loaded, "deploy.yml", "prod-rest")["if"] == (
        "${{ !cancelled() && needs.prod-waves.result == 'success' && needs.prod-canary.result == 'success' && "
        "needs.prod-waves.outputs.rest_count != '0' }}"
    )


def test_the_waves_job_lists_the_stage_as_the_dev_plan_role(loaded: inv.Workflows) -> None:
    waves = job(loaded, "stage-waves.yml", "waves")
    assert "environment" not in waves, "the dev plan role trusts the main branch's subject only without one"
    assert waves["permissions"] == {"id-token": "write", "contents": "read"}
    lookup = step_running(waves, "orchestrator matrix")
    assert lookup["id"] == "lookup" and "--env dev " in lookup["run"] and "env" not in lookup
    credentials = step_using(waves, inv.CREDENTIALS_ACTION)["with"]
    assert credentials["role-to-assume"] == "${{ steps.lookup.outputs.plan_role_arn }}"
    assert credentials["aws-region"] == "${{ steps.lookup.outputs.region }}"
    targets = step_running(waves, "orchestrator targets")
    assert targets["id"] == "waves" and targets["env"] == {"STAGE": "${{ inputs.stage }}"}
    assert targets["run"].endswith(
        'targets --target aws --stage "$STAGE" --format github-matrix --github-output "$GITHUB_OUTPUT"'
    )
    order = inv.steps(waves)
    assert order.index(lookup) < order.index(step_using(waves, inv.CREDENTIALS_ACTION)) < order.index(targets)
    fields = ("canary_account", "rest", "rest_count", "max_parallel")
    assert waves["outputs"] == {name: f"${{{{ steps.waves.outputs.{name} }}}}" for name in fields}
    declared = inv.triggers(loaded["stage-waves.yml"])["workflow_call"]["outputs"]
    assert {name: spec["value"] for name, spec in declared.items()} == {
        name: f"${{{{ jobs.waves.outputs.{name} }}}}" for name in fields
    }


def test_every_job_with_an_oidc_token_has_no_other_permission(loaded: inv.Workflows) -> None:
    """id-token: write with contents: read at most, in the calling jobs and the called ones alike."""
    found = 0
    for name, job_id, body in inv._all_jobs(loaded):
        permissions = body.get("permissions") or {}
        if permissions.get("id-token") == "write":
            found += 1
            assert permissions == {"id-token": "write", "contents": "read"}, f"{name}:{job_id}: {permissions}"
    assert found >= 10


def test_remote_actions_carry_their_version_and_one_commit_each() -> None:
    pins: dict[str, set[str]] = {}
    for path in sorted(inv.WORKFLOWS_DIR.glob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r"\s*(?:- )?uses: (\S+)(.*)$", line)
            if not match or match.group(1).startswith("./"):
                continue
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", match.group(1)), f"{path.name}: {line.strip()}"
            assert re.fullmatch(r" # v\d+\.\d+\.\d+", match.group(2)), (
                f"{path.name}: say which release the SHA is: {line.strip()}"
            )
            action, sha = match.group(1).split("@")
            pins.setdefault(action, set()).add(f"{sha}{match.group(2)}")
    assert pins
    for action, versions in pins.items():
        assert len(versions) == 1, f"{action} is pinned to several commits: {versions}"


def test_every_step_is_named_and_every_script_is_one_command(loaded: inv.Workflows) -> None:
    for name, job_id, job_body in inv._all_jobs(loaded):
        for step in inv.steps(job_body):
            assert str(step.get("name", "")).strip(), (
                f"{name}:{job_id}: a step without a name ({step.get('uses') or step.get('run')})"
            )
            if "run" in step:
                assert len(inv.run_lines(step)) == 1, f"{name}:{job_id} step {step['name']!r}: one command per step"


def test_checkouts_keep_the_token_out_of_git(loaded: inv.Workflows) -> None:
    """zizmor's `artipacked` (tests/gates/test_linters.py) reports the same on every workflow, the seed code's too."""
    for name, job_id, job_body in inv._all_jobs(loaded):
        for step in inv.action_steps(job_body, "actions/checkout"):
            assert step["with"]["persist-credentials"] is False, f"{name}:{job_id}"


def test_terraform_is_the_pinned_version_without_its_wrapper(loaded: inv.Workflows) -> None:
    found = 0
    for name, job_id, job_body in inv._all_jobs(loaded):
        for step in inv.action_steps(job_body, "hashicorp/setup-terraform"):
            found += 1
            assert str(step["with"]["terraform_version"]) == TERRAFORM_VERSION, f"{name}:{job_id}"
            assert step["with"]["terraform_wrapper"] is False, (
                f"{name}:{job_id}: the wrapper rewrites terraform's output"
            )
        if any("scripts/setup.sh" in line for step in inv.steps(job_body) for line in inv.run_lines(step)):
            assert inv.action_steps(job_body, "hashicorp/setup-terraform"), f"{name}:{job_id}: setup.sh needs terraform"
    assert found


def test_triggers(loaded: inv.Workflows) -> None:
    assert inv.triggers(loaded["pr.yml"]) == {"pull_request": {"branches": ["main"]}}
    assert inv.triggers(loaded["deploy.yml"]) == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert set(inv.triggers(loaded["env-deploy.yml"])) == {"workflow_call"}
    drift = inv.triggers(loaded["drift.yml"])
    assert set(drift) == {"schedule", "workflow_dispatch"}
    assert len(drift["schedule"]) == 1 and len(drift["schedule"][0]["cron"].split()) == 5


def test_pull_requests_plan_only_what_the_change_affects(loaded: inv.Workflows) -> None:
    affected, plan = job(loaded, "pr.yml", "affected"), job(loaded, "pr.yml", "plan")
    for body in (affected, plan):
        assert step_using(body, "actions/checkout")["with"]["fetch-depth"] == 0, (
            "change detection needs the base commit"
        )
        for step in inv.steps(body):
            if "--changed-since" in str(step.get("run", "")):
                assert step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert affected["outputs"] == {
        "matrix": "${{ steps.affected.outputs.matrix }}",
        "count": "${{ steps.affected.outputs.count }}",
        "envs": "${{ steps.affected.outputs.envs }}",
    }
    assert plan["needs"] == "affected"
    assert (
        plan["if"]
        == "${{ needs.affected.outputs.count != '0' && github.event.pull_request.head.repo.full_name == github.repository }}"
    )
    assert plan["strategy"] == {"fail-fast": False, "matrix": "${{ fromJSON(needs.affected.outputs.matrix) }}"}
    credentials = step_using(plan, inv.CREDENTIALS_ACTION)["with"]
    assert credentials["role-to-assume"] == "${{ matrix.plan_role_arn }}"
    assert credentials["aws-region"] == "${{ matrix.region }}"
    upload = step_using(plan, inv.UPLOAD_ACTION)
    assert upload["with"]["name"] == "report-${{ matrix.env }}"
    assert '--report-json "reports/$ENV.json"' in step_running(plan, "orchestrator plan")["run"]


def test_the_comment_job_merges_every_report_and_skips_forks(loaded: inv.Workflows) -> None:
    comment = job(loaded, "pr.yml", "comment")
    assert comment["needs"] == ["affected", "plan"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in comment["if"]
    assert "!cancelled()" in comment["if"] or "always()" in comment["if"]
    download = step_using(comment, inv.DOWNLOAD_ACTION)["with"]
    assert download == {"pattern": "report-*", "merge-multiple": True, "path": "reports"}
    post = step_running(comment, "orchestrator pr-comment")
    assert post["env"] == {
        "GITHUB_TOKEN": "${{ github.token }}",
        "PR_NUMBER": "${{ github.event.pull_request.number }}",
    }
    uploaded = step_using(comment, inv.UPLOAD_ACTION)["with"]["path"].split()
    assert uploaded == ["comment.md", "comment.txt"]


def test_sarif_is_uploaded_per_folder_under_its_own_category(loaded: inv.Workflows) -> None:
    uploads = inv.action_steps(job(loaded, "pr.yml", "scan"), inv.SARIF_ACTION)
    categories = [step["with"]["category"] for step in uploads]
    assert len(set(categories)) == len(categories) == 4
    for step in uploads:
        folder = step["with"]["category"].removeprefix("checkov-")
        assert step["with"]["sarif_file"] == f"sarif/checkov-{folder}.sarif"
        assert "!cancelled()" in step["if"] or "always()" in step["if"]


def test_apply_uses_the_plans_the_plan_job_uploaded(loaded: inv.Workflows) -> None:
    plan, apply = job(loaded, "env-deploy.yml", "plan"), job(loaded, "env-deploy.yml", "apply")
    uploads = [s for s in inv.action_steps(plan, inv.UPLOAD_ACTION) if s["with"]["name"].startswith("plan-")]
    assert len(uploads) == 1
    upload, download = uploads[0]["with"], step_using(apply, inv.DOWNLOAD_ACTION)["with"]
    # Named after the account the lookup step resolved: two accounts' plans never mix.
    assert upload["name"] == download["name"] == "plan-${{ inputs.environment }}-${{ steps.lookup.outputs.account_id }}"
    report = [s for s in inv.action_steps(plan, inv.UPLOAD_ACTION) if s["with"]["name"].startswith("report-")]
    assert report[0]["with"]["name"] == "report-${{ inputs.environment }}-${{ steps.lookup.outputs.account_id }}"
    for body, artifact in ((plan, uploads[0]), (apply, step_using(apply, inv.DOWNLOAD_ACTION))):
        assert inv.steps(body).index(step_running(body, "orchestrator matrix")) < inv.steps(body).index(artifact)
    assert upload["path"] == download["path"] == "plans/${{ inputs.environment }}"
    assert upload["if-no-files-found"] == "error"
    assert 1 <= upload["retention-days"] <= 7, "a saved plan goes stale: keep it briefly"
    assert "if" not in uploads[0], "never keep the plans of a failed plan run for an apply"
    assert f'{OPTIONAL_ACCOUNT} --out-dir "plans/$ENVIRONMENT"' in step_running(plan, "orchestrator plan")["run"]
    assert f'{OPTIONAL_ACCOUNT} --from "plans/$ENVIRONMENT"' in step_running(apply, "orchestrator apply")["run"]
    for body, command in ((plan, "orchestrator plan"), (apply, "orchestrator apply")):
        assert step_running(body, command)["env"] == {
            "ENVIRONMENT": "${{ inputs.environment }}",
            "ACCOUNT": "${{ inputs.account }}",
        }
    assert triggers_inputs(loaded)["account"] == {
        "description": triggers_inputs(loaded)["account"]["description"],
        "required": False,
        "type": "string",
        "default": "",
    }
    assert apply["needs"] == "plan"
    assert apply["environment"] == "${{ inputs.environment }}"
    steps = inv.steps(apply)
    assert steps.index(step_using(apply, inv.DOWNLOAD_ACTION)) < steps.index(step_running(apply, "orchestrator apply"))


def test_roles_come_from_the_matrix_command_before_any_credentials(loaded: inv.Workflows) -> None:
    for job_id, field in (("plan", "plan_role_arn"), ("apply", "apply_role_arn")):
        body = job(loaded, "env-deploy.yml", job_id)
        lookup = step_running(body, "orchestrator matrix")
        assert lookup["id"] == "lookup"
        assert lookup["env"] == {"ENVIRONMENT": "${{ inputs.environment }}", "ACCOUNT": "${{ inputs.account }}"}
        assert f'--env "$ENVIRONMENT" {OPTIONAL_ACCOUNT} --github-output' in lookup["run"]
        credentials = step_using(body, inv.CREDENTIALS_ACTION)
        assert credentials["with"]["role-to-assume"] == f"${{{{ steps.lookup.outputs.{field} }}}}"
        assert credentials["with"]["aws-region"] == "${{ steps.lookup.outputs.region }}"
        assert inv.steps(body).index(lookup) < inv.steps(body).index(credentials)


def test_drift_runs_everywhere_read_only_and_fails_on_drift(loaded: inv.Workflows) -> None:
    envs, drift = job(loaded, "drift.yml", "envs"), job(loaded, "drift.yml", "drift")
    assert "--changed-since" not in step_running(envs, "orchestrator matrix")["run"]
    assert drift["strategy"] == {"fail-fast": False, "matrix": "${{ fromJSON(needs.envs.outputs.matrix) }}"}
    assert "environment" not in drift
    assert "continue-on-error" not in drift and all("continue-on-error" not in s for s in inv.steps(drift))


# --- each check catches what it guards against ----------------------------------------------------


APPLY_LINE = '.venv/bin/python -m orchestrator apply --target aws --env "$ENV" --from "plans/$ENV"'


def test_a_reports_an_apply_in_the_pull_request_plan_job(workflows: inv.Workflows) -> None:
    job(workflows, "pr.yml", "plan")["steps"].append(
        {"name": "Apply", "env": {"ENV": "${{ matrix.env }}"}, "run": APPLY_LINE}
    )
    assert_reports(inv.pull_request_applies, workflows, "pr.yml:plan", "changes infrastructure on a pull request")


def test_a_reports_a_terraform_destroy_in_a_pull_request(workflows: inv.Workflows) -> None:
    job(workflows, "pr.yml", "test")["steps"].append(
        {"name": "Clean up", "run": "terraform -chdir=envs destroy -auto-approve"}
    )
    assert_reports(inv.pull_request_applies, workflows, "pr.yml:test")


def test_a_follows_reusable_workflows_called_from_a_pull_request(workflows: inv.Workflows) -> None:
    workflows["pr.yml"]["jobs"]["deploy"] = {
        "uses": "./.github/workflows/env-deploy.yml",
        "with": {"environment": "dev"},
    }
    assert_reports(inv.pull_request_applies, workflows, "pr.yml:deploy > env-deploy.yml:apply")


def test_a_reports_pull_request_target(workflows: inv.Workflows) -> None:
    on = inv.triggers(workflows["pr.yml"])
    on["pull_request_target"] = {"branches": ["main"]}
    workflows["pr.yml"][True] = on
    assert_reports(inv.pull_request_applies, workflows, "pull_request_target")


def test_b_reports_prod_after_dev_only(workflows: inv.Workflows) -> None:
    job(workflows, "deploy.yml", "prod-waves")["needs"] = "dev"
    assert_reports(inv.apply_promotion, workflows, "applies prod without staging applied before it")


def test_b_reports_prod_in_parallel_with_staging(workflows: inv.Workflows) -> None:
    del job(workflows, "deploy.yml", "prod-waves")["needs"]
    del job(workflows, "deploy.yml", "staging-waves")["needs"]
    assert_reports(inv.apply_promotion, workflows, "applies prod without staging", "applies staging without dev")


def test_b_reports_an_apply_without_from(workflows: inv.Workflows) -> None:
    apply = step_running(job(workflows, "env-deploy.yml", "apply"), "orchestrator apply")
    apply["run"] = apply["run"].replace(' --from "plans/$ENVIRONMENT"', "")
    assert_reports(inv.apply_promotion, workflows, "apply --env dev without --from", "apply --env prod without --from")


def test_b_reports_an_apply_in_another_environment(workflows: inv.Workflows) -> None:
    job(workflows, "env-deploy.yml", "apply")["environment"] = "dev"
    assert_reports(inv.apply_promotion, workflows, "applies prod in GitHub environment 'dev'")


def test_b_reports_an_apply_without_a_plan_before_it(workflows: inv.Workflows) -> None:
    del job(workflows, "env-deploy.yml", "apply")["needs"]
    assert_reports(inv.apply_promotion, workflows, "applies dev without a job before it that saved a plan")


def test_b_reports_terraform_apply(workflows: inv.Workflows) -> None:
    job(workflows, "env-deploy.yml", "apply")["steps"].append({"name": "Apply", "run": "terraform apply -auto-approve"})
    assert_reports(inv.apply_promotion, workflows, "runs terraform apply directly")


def test_c_reports_an_action_on_a_tag(workflows: inv.Workflows) -> None:
    step_using(job(workflows, "pr.yml", "test"), "actions/checkout")["uses"] = "actions/checkout@v4"
    assert_reports(inv.unpinned_actions, workflows, "actions/checkout@v4 is not pinned")


def test_c_reports_a_short_sha_and_a_remote_workflow_on_a_branch(workflows: inv.Workflows) -> None:
    step_using(job(workflows, "drift.yml", "drift"), "hashicorp/setup-terraform")["uses"] = (
        "hashicorp/setup-terraform@b9cd54a"
    )
    workflows["deploy.yml"]["jobs"]["other"] = {"uses": "example-org/workflows/.github/workflows/x.yml@main"}
    assert_reports(inv.unpinned_actions, workflows, "setup-terraform@b9cd54a is not pinned", "x.yml@main is not pinned")


def test_d_reports_id_token_in_the_comment_job(workflows: inv.Workflows) -> None:
    job(workflows, "pr.yml", "comment")["permissions"]["id-token"] = "write"
    assert_reports(
        inv.excess_permissions, workflows, "pr.yml:comment: id-token: write, but the job assumes no AWS role"
    )


def test_d_reports_pull_requests_and_security_events_write_elsewhere(workflows: inv.Workflows) -> None:
    job(workflows, "pr.yml", "test")["permissions"].update({"pull-requests": "write", "security-events": "write"})
    assert_reports(
        inv.excess_permissions, workflows, "pr.yml:test: pull-requests: write", "pr.yml:test: security-events: write"
    )


def test_d_reports_broad_and_default_permissions(workflows: inv.Workflows) -> None:
    workflows["drift.yml"]["permissions"] = "write-all"
    del workflows["env-deploy.yml"]["permissions"]
    job(workflows, "pr.yml", "scan")["permissions"] = "read-all"
    job(workflows, "drift.yml", "envs")["permissions"]["contents"] = "write"
    assert_reports(
        inv.excess_permissions,
        workflows,
        "drift.yml: top-level permissions",
        "env-deploy.yml: top-level permissions",
        "pr.yml:scan: permissions 'read-all'",
        "drift.yml:envs: contents: write is never needed",
    )


def test_d_reports_a_role_assumed_without_id_token(workflows: inv.Workflows) -> None:
    del job(workflows, "deploy.yml", "staging-canary")["permissions"]
    del job(workflows, "deploy.yml", "prod-waves")["permissions"]
    assert_reports(
        inv.excess_permissions,
        workflows,
        "deploy.yml:staging-canary: assumes an AWS role (OIDC) without id-token: write",
        "deploy.yml:prod-waves: assumes an AWS role (OIDC) without id-token: write",
    )


def test_e_reports_a_deployment_that_can_be_cancelled(workflows: inv.Workflows) -> None:
    job(workflows, "deploy.yml", "prod-rest")["concurrency"]["cancel-in-progress"] = True
    assert_reports(inv.deploy_concurrency, workflows, "may cancel a deployment of prod halfway")


def test_e_reports_a_missing_or_per_run_group(workflows: inv.Workflows) -> None:
    del job(workflows, "deploy.yml", "staging-canary")["concurrency"]
    job(workflows, "deploy.yml", "prod-rest")["concurrency"]["group"] = "deploy-prod-${{ github.run_id }}"
    assert_reports(
        inv.deploy_concurrency,
        workflows,
        "applies staging without a job concurrency group",
        "applies prod without a job concurrency group",
    )


def test_e_reports_environments_sharing_a_group(workflows: inv.Workflows) -> None:
    for env in ("staging", "prod"):
        job(workflows, "deploy.yml", f"{env}-canary")["concurrency"]["group"] = "deploy-staging-prod"
    assert_reports(inv.deploy_concurrency, workflows, "prod and staging share the concurrency group")


def test_e_reports_a_cancelling_workflow_level_group(workflows: inv.Workflows) -> None:
    workflows["deploy.yml"]["concurrency"] = {"group": "deploy", "cancel-in-progress": True}
    assert_reports(inv.deploy_concurrency, workflows, "deploy.yml (workflow) may cancel a deployment of dev")


def test_e_reports_one_group_for_every_account_of_a_stage(workflows: inv.Workflows) -> None:
    job(workflows, "deploy.yml", "prod-rest")["concurrency"]["group"] = "deploy-prod"
    assert_reports(
        inv.deploy_concurrency, workflows, "deploy.yml:prod-rest > env-deploy.yml:apply: applies prod to one account"
    )


def test_i_reports_the_rest_without_its_canary(workflows: inv.Workflows) -> None:
    job(workflows, "deploy.yml", "staging-rest")["needs"] = "staging-waves"
    assert_reports(
        inv.canary_first,
        workflows,
        "deploy.yml:staging-rest > env-deploy.yml:apply: applies staging to a matrix of accounts without its canary",
    )


def test_i_reports_waves_that_do_not_stop_or_are_unbounded(workflows: inv.Workflows) -> None:
    job(workflows, "deploy.yml", "prod-rest")["strategy"]["fail-fast"] = False
    del job(workflows, "deploy.yml", "staging-rest")["strategy"]["max-parallel"]
    assert_reports(
        inv.canary_first,
        workflows,
        "prod-rest > env-deploy.yml:apply: applies prod to a matrix of accounts without fail-fast",
        "staging-rest > env-deploy.yml:apply: applies staging to a matrix of accounts without max-parallel",
    )


def test_g_reports_an_account_option_that_is_not_optional(workflows: inv.Workflows) -> None:
    """`--account ""` (an empty input) is refused by the CLI: the option must be left out instead."""
    plan = step_running(job(workflows, "env-deploy.yml", "plan"), "orchestrator plan")
    plan["run"] = plan["run"].replace(OPTIONAL_ACCOUNT, '--account "$ACCOUNT"')
    plan["env"]["ACCOUNT"] = ""
    assert_reports(inv.unparsable_orchestrator_calls, workflows, "env-deploy.yml:plan", "12-digit")


def test_f_reports_an_expression_in_a_script(workflows: inv.Workflows) -> None:
    job(workflows, "pr.yml", "comment")["steps"].append(
        {"name": "Greet", "run": 'echo "${{ github.event.pull_request.title }}"'}
    )
    assert_reports(inv.expressions_in_scripts, workflows, "pr.yml:comment step 'Greet'")


def test_g_reports_an_option_the_cli_does_not_have(workflows: inv.Workflows) -> None:
    apply = step_running(job(workflows, "env-deploy.yml", "apply"), "orchestrator apply")
    apply["run"] = apply["run"].replace("--from", "--form")
    assert_reports(inv.unparsable_orchestrator_calls, workflows, "env-deploy.yml:apply", "the CLI refuses")


def test_g_reports_a_subcommand_the_cli_does_not_have(workflows: inv.Workflows) -> None:
    step_running(job(workflows, "drift.yml", "drift"), "orchestrator drift")["run"] = (
        ".venv/bin/python -m orchestrator drfit --target aws"
    )
    assert_reports(inv.unparsable_orchestrator_calls, workflows, "drift.yml:drift")


def test_h_reports_an_environment_on_the_pull_request_plan_job(workflows: inv.Workflows) -> None:
    job(workflows, "pr.yml", "plan")["environment"] = "dev"
    assert_reports(inv.role_environments, workflows, "pr.yml:plan: assumes the plan role in GitHub environment 'dev'")


def test_h_reports_an_apply_on_the_plan_role(workflows: inv.Workflows) -> None:
    credentials = step_using(job(workflows, "env-deploy.yml", "apply"), inv.CREDENTIALS_ACTION)
    credentials["with"]["role-to-assume"] = "${{ steps.lookup.outputs.plan_role_arn }}"
    assert_reports(
        inv.role_environments,
        workflows,
        "env-deploy.yml:apply: assumes the plan role in GitHub environment 'prod'",
        "apply only with the apply role",
    )


def test_h_reports_drift_on_the_apply_role_and_an_unknown_role(workflows: inv.Workflows) -> None:
    step_using(job(workflows, "drift.yml", "drift"), inv.CREDENTIALS_ACTION)["with"]["role-to-assume"] = (
        "${{ matrix.apply_role_arn }}"
    )
    step_using(job(workflows, "pr.yml", "plan"), inv.CREDENTIALS_ACTION)["with"]["role-to-assume"] = (
        "arn:aws:iam::111111111111:role/admin"
    )
    assert_reports(
        inv.role_environments,
        workflows,
        "drift.yml:drift: assumes the apply role without a GitHub environment",
        "use the read-only plan role only",
        "pr.yml:plan: assumes 'arn:aws:iam::111111111111:role/admin'",
    )
