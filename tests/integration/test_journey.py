"""Tier 4: the data scientist's journey on the session's world: launch a project from Studio's
template, build, approve, deploy across accounts.

0. A data scientist launches project `rings` from the platform's S3-based template, as Studio does
   (its entry in envs/dev/env.yaml, `registry: template`, gave it repository, CI, pipeline, job and
   deploy roles; the template creates its registry, artifact bucket and approval rule).
1. The project's CI role publishes and starts the seed model-build pipeline exactly as the build
   workflow does (`python -m abalone_build.run_pipeline` with its credentials); the emulator runs
   the execution as SageMaker would: preprocess -> train (built-in XGBoost) -> evaluate ->
   condition -> register, every job created by the project's pipeline role, every job's data moved
   as the project's job role from inside the dev VPC, every request decided by the emulator's IAM.
   The package waits for a person's approval with its evaluation report.
2. A data scientist may not approve it (the personas' DenyModelApproval); the team lead does.
3. The deploy workflow's step for each stage (`handle-approval-event` with the stage deploy role's
   credentials only) deploys it to staging, tests the endpoint, then to prod. A second build is
   approved and deployed the same way; rejecting it rolls both stages back to the first.
4. A pipeline whose jobs would run as a role the pipeline role may not pass fails its first step
   with the AccessDenied of iam:PassRole.

5. The declared project `abalone` is `serving: batch`: its approved package is deployed to staging
   then prod as a batch setup (`deploy-batch` with the stage deploy role's credentials only), each
   stage's schedule is run once (a one-time schedule with its target), and the predictions land in
   the stage's batch bucket under the stage's key; a transform on a disallowed type is refused.
   The deploy workflow's step (`handle-approval-event`, which reads `serving: batch` from the stage
   contract) follows approvals and rejections: approve v1 -> v1, approve v2 -> v2, reject v2 -> back
   to v1, reject v1 -> the schedule is disabled; each stage's result on its alerts topic.

Steps 1-3 run for the launched project; the declared project `abalone` (its registry created by the
projects stack) is built and its package checked in detail, and step 4 is shown on it. What a
launch refuses is test_project_launch.py. The tests of this file run in order on one worker (one
work unit); nothing else starts these pipelines.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from abalone_deploy.clients import Clients
from abalone_deploy.monitoring import (
    WatchNames,
    baseline_job_request,
    read_monitoring_contract,
    remove_monitoring,
)
from abalone_deploy.names import make_target
from abalone_deploy.stage_contract import read_stage_contract
from botocore.exceptions import ClientError

from tests.conftest import REPO_ROOT
from tests.integration.conftest import DEV_ACCOUNT, REGION, Account, World
from tests.integration.pipeline_runs import (
    CI_ROLE,
    DATA_SCIENTIST,
    PROJECT,
    run_build,
    upload_input_data,
    wait_with_steps,
)

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("integration-journey")]

LAUNCHED = "rings"  # declared with `registry: template`: launched from Studio's template in the journey
PIPELINE = f"mlops-dev-{PROJECT}-build"
PIPELINE_ROLE = f"arn:aws:iam::{DEV_ACCOUNT}:role/mlops-dev-{PROJECT}-pipeline"
JOB_ROLE = f"arn:aws:iam::{DEV_ACCOUNT}:role/mlops-dev-{PROJECT}-pipeline-jobs"
STAGES = {"staging": "222222222222", "prod": "333333333333"}
SCRIPTS = Path(sys.executable).parent
SAMPLE_ROW = "0.455,0.365,0.095,0.514,0.2245,0.101,0.15,0,0,1"  # an abalone's measurements, Sex one-hot
SHARED_EXECUTION_ROLE = f"arn:aws:iam::{DEV_ACCOUNT}:role/mlops-dev-sagemaker-execution"


def _print_steps(title: str, steps: list[dict[str, Any]], seconds: float) -> None:
    print(f"\n{title}: {seconds:.1f} s")
    for step in steps:
        duration = (step["EndTime"] - step["StartTime"]).total_seconds() if "EndTime" in step else float("nan")
        print(f"  {step['StepName']:<32} {step['StepStatus']:<10} {duration:6.1f} s  {step.get('FailureReason', '')}")


@pytest.fixture(scope="module")
def ci(world: World) -> Account:
    return Account(world.url, DEV_ACCOUNT, CI_ROLE)


def _build(ci: Account, title: str, project: str = PROJECT) -> dict[str, Any]:
    """The build workflow's step, as the CI role: publish the pipeline, start an execution, wait."""
    started = time.monotonic()
    arn = run_build(ci, project)
    described, steps, seconds = wait_with_steps(ci.client("sagemaker"), arn)
    _print_steps(f"{title}: execution {arn} (publish + run {time.monotonic() - started:.1f} s)", steps, seconds)
    assert described["PipelineExecutionStatus"] == "Succeeded", (
        described.get("FailureReason"),
        [s.get("FailureReason") for s in steps],
    )
    return {
        "arn": arn,
        "described": described,
        "steps": steps,
        "package": steps[-1]["Metadata"]["RegisterModel"]["Arn"],
    }


@pytest.fixture(scope="module")
def seed_execution(world: World, ci: Account) -> dict[str, Any]:
    upload_input_data(world)
    return _build(ci, "first build")


def test_the_seed_pipeline_runs_every_step_and_registers_the_model_for_approval(
    world: World, ci: Account, seed_execution: dict[str, Any]
) -> None:
    steps = seed_execution["steps"]
    kinds = [next(iter(step["Metadata"])) for step in steps]
    assert kinds == ["ProcessingJob", "TrainingJob", "ProcessingJob", "Condition", "RegisterModel"], [
        s["StepName"] for s in steps
    ]
    assert all(step["StepStatus"] == "Succeeded" for step in steps)
    assert steps[3]["Metadata"]["Condition"]["Outcome"] == "True"

    package = ci.client("sagemaker").describe_model_package(
        ModelPackageName=steps[4]["Metadata"]["RegisterModel"]["Arn"]
    )
    assert package["ModelPackageGroupName"] == f"mlops-dev-{PROJECT}"
    assert package["ModelApprovalStatus"] == "PendingManualApproval"
    report = package["ModelMetrics"]["ModelQuality"]["Statistics"]["S3Uri"]
    assert report.startswith(f"s3://mlops-dev-models-{DEV_ACCOUNT}/{PROJECT}/runs/") and report.endswith(
        "/evaluation.json"
    )
    assert len(package["CustomerMetadataProperties"]["model-sha256"]) == 64, (
        "the digest read from the evaluation report (Std:JsonGet)"
    )

    admin = Account(world.url, DEV_ACCOUNT)
    training = admin.client("sagemaker").describe_training_job(
        TrainingJobName=steps[1]["Metadata"]["TrainingJob"]["Arn"].rsplit("/", 1)[1]
    )
    assert training["RoleArn"] == JOB_ROLE and training["TrainingJobStatus"] == "Completed"
    assert (
        package["InferenceSpecification"]["Containers"][0]["ModelDataUrl"]
        == training["ModelArtifacts"]["S3ModelArtifacts"]
    )
    metrics = {m["MetricName"]: m["Value"] for m in training["FinalMetricDataList"]}
    assert 0 < metrics["validation:rmse"] < 4, metrics
    bucket, key = report.removeprefix("s3://").split("/", 1)
    evaluation = json.loads(admin.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
    definition = json.loads(
        ci.client("sagemaker").describe_pipeline_definition_for_execution(PipelineExecutionArn=seed_execution["arn"])[
            "PipelineDefinition"
        ]
    )
    threshold = next(p["DefaultValue"] for p in definition["Parameters"] if p["Name"] == "MseThreshold")
    print(f"test MSE {evaluation['regression_metrics']['mse']['value']:.4f}, registration threshold {threshold}")
    assert evaluation["regression_metrics"]["mse"]["value"] <= threshold
    data_key = admin.client("ssm").get_parameter(Name="/mlops/dev/kms/data-key-arn")["Parameter"]["Value"]
    assert admin.client("s3").head_object(Bucket=bucket, Key=key)["SSEKMSKeyId"] == data_key, (
        "outputs are written with the job's output key"
    )
    # The job role is not exempt from the buckets' VPC-endpoint-only deny: its jobs wrote the report
    # from inside the dev VPC, and the same role outside it is refused.
    outside = Account(world.url, DEV_ACCOUNT, f"mlops-dev-{PROJECT}-pipeline-jobs").client("s3")
    with pytest.raises(ClientError, match="DenyAccessOutsideVpcEndpoints"):
        outside.get_object(Bucket=bucket, Key=key)


def _decide(person: Account, arn: str, status: str) -> None:
    person.client("sagemaker").update_model_package(ModelPackageArn=arn, ModelApprovalStatus=status)


def _handle_event(
    deployer: Account, stage: str, status: str, arn: str, project: str
) -> subprocess.CompletedProcess[str]:
    """The deploy workflow's step for one stage: the CLI with the stage deploy role's credentials only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | deployer.environment()
    return subprocess.run(
        [
            str(SCRIPTS / "handle-approval-event"),
            "--status",
            status,
            "--model-package-arn",
            arn,
            "--stage",
            stage,
            "--project",
            project,
            "--prefix",
            "mlops",
            "--dev-account",
            DEV_ACCOUNT,
            "--region",
            REGION,
            "--wait-delay",
            "0",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _serving(account: Account, stage: str, project: str) -> str | None:
    """The package the stage's endpoint serves (its configuration's lineage tag), None without endpoint."""
    sagemaker = account.client("sagemaker")
    name = f"mlops-{stage}-{project}"
    if name not in [e["EndpointName"] for e in sagemaker.list_endpoints()["Endpoints"]]:
        return None
    config = sagemaker.describe_endpoint(EndpointName=name)["EndpointConfigName"]
    config_arn = sagemaker.describe_endpoint_config(EndpointConfigName=config)["EndpointConfigArn"]
    tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=config_arn)["Tags"]}
    return tags.get("model-package-arn")


def _deploy_everywhere(deployers: dict[str, Account], arn: str, inspectors: dict[str, Account], project: str) -> None:
    """Staging first, then prod (the workflow's order), each checked in its own account only."""
    expected = arn
    for stage in ("staging", "prod"):
        run = _handle_event(deployers[stage], stage, "Approved", arn, project)
        assert run.returncode == 0, f"{stage}: {run.stdout[-2000:]}{run.stderr[-2000:]}"
        assert f"mlops-{stage}-{project} serves {expected}, endpoint test passed" in run.stdout, run.stdout[-2000:]
        print(
            f"  {stage}: "
            + " | ".join(
                line.strip() for line in run.stdout.splitlines() if "predict" in line.lower() or "serves" in line
            )
        )
        assert _serving(inspectors[stage], stage, project) == expected
        endpoint_arn = (
            inspectors[stage]
            .client("sagemaker")
            .describe_endpoint(EndpointName=f"mlops-{stage}-{project}")["EndpointArn"]
        )
        assert endpoint_arn.split(":")[4] == STAGES[stage], f"the {stage} endpoint is not in account {STAGES[stage]}"


def _stage_clients(deployer: Account) -> Clients:
    """The deploy code's clients with the stage deploy role's credentials (as in the workflow)."""
    return Clients(
        **{
            field: deployer.client(service)
            for field, service in (
                ("sagemaker", "sagemaker"),
                ("runtime", "sagemaker-runtime"),
                ("ssm", "ssm"),
                ("registry", "sagemaker"),
                ("artifacts", "s3"),
                ("autoscaling", "application-autoscaling"),
                ("cloudwatch", "cloudwatch"),
                ("sns", "sns"),
                ("stage_s3", "s3"),
                ("scheduler", "scheduler"),
            )
        }
    )


def _alerts_queue(inspector: Account, stage: str) -> str:
    """An SQS queue subscribed to the stage's alerts topic (standing for the team's email)."""
    topic = inspector.client("ssm").get_parameter(Name=f"/mlops/{stage}/monitoring/alerts-topic-arn")["Parameter"][
        "Value"
    ]
    sqs = inspector.client("sqs")
    url = sqs.create_queue(QueueName=f"journey-alerts-{stage}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    inspector.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return url


def _notifications(inspector: Account, url: str) -> list[dict[str, Any]]:
    """The notifications published since the last look (each received once, then deleted)."""
    sqs = inspector.client("sqs")
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(json.loads(m["Body"])["Message"]) for m in messages]


def _assert_watched(inspector: Account, stage: str, project: str) -> str:
    """Scaling, alarms to the topic, the baseline and the schedule of the stage's endpoint, as the
    account's administrator reads them; returns the schedule's job definition."""
    endpoint = f"mlops-{stage}-{project}"
    topic = inspector.client("ssm").get_parameter(Name=f"/mlops/{stage}/monitoring/alerts-topic-arn")["Parameter"][
        "Value"
    ]
    autoscaling = inspector.client("application-autoscaling")
    resource = f"endpoint/{endpoint}/variant/AllTraffic"
    [target] = autoscaling.describe_scalable_targets(ServiceNamespace="sagemaker", ResourceIds=[resource])[
        "ScalableTargets"
    ]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 2), target
    [policy] = autoscaling.describe_scaling_policies(ServiceNamespace="sagemaker", ResourceId=resource)[
        "ScalingPolicies"
    ]
    assert policy["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
    }
    alarms = inspector.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"{endpoint}-")
    named = {a["AlarmName"]: a["AlarmActions"] for a in alarms["MetricAlarms"]}
    assert named == {f"{endpoint}-{kind}": [topic] for kind in ("5xx-errors", "model-latency", "feature-drift")}, named
    sagemaker = inspector.client("sagemaker")
    schedule = sagemaker.describe_monitoring_schedule(MonitoringScheduleName=f"{endpoint}-data-quality")
    assert (schedule["MonitoringScheduleStatus"], schedule["EndpointName"]) == ("Scheduled", endpoint)
    definition = sagemaker.describe_data_quality_job_definition(
        JobDefinitionName=schedule["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"]
    )
    statistics_uri = definition["DataQualityBaselineConfig"]["StatisticsResource"]["S3Uri"]
    bucket, key = statistics_uri.removeprefix("s3://").split("/", 1)
    statistics = json.loads(inspector.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
    assert statistics["dataset"]["item_count"] == 2923, "the training split's rows"
    assert definition["RoleArn"] == f"arn:aws:iam::{STAGES[stage]}:role/mlops-{stage}-model-monitor"
    return str(definition["JobDefinitionName"])


def _retire_endpoint(account: Account, stage: str, project: str) -> None:
    """What a team does before the platform is destroyed: endpoints, configs and models of the project go."""
    sagemaker = account.client("sagemaker")
    name = f"mlops-{stage}-{project}"
    sagemaker.delete_endpoint(EndpointName=name)
    for config in sagemaker.list_endpoint_configs(NameContains=name)["EndpointConfigs"]:
        sagemaker.delete_endpoint_config(EndpointConfigName=config["EndpointConfigName"])
    for model in sagemaker.list_models(NameContains=name)["Models"]:
        sagemaker.delete_model(ModelName=model["ModelName"])


@pytest.fixture(scope="module")
def launched(world: World) -> Iterator[dict[str, Any]]:
    """Studio's launch of LAUNCHED by a data scientist: CreateProject naming the template Studio lists
    (its URL and the launch role from the SSM contract); nothing else typed in. At the end, what a
    team does before the platform is destroyed: the project, then the registry and artifact bucket
    the template keeps (DeletionPolicy), go."""
    admin, scientist = Account(world.url, DEV_ACCOUNT), Account(world.url, DEV_ACCOUNT, DATA_SCIENTIST)
    ssm = admin.client("ssm")
    template_url, launch_role = (
        ssm.get_parameter(Name=f"/mlops/dev/{name}")["Parameter"]["Value"]
        for name in ("project-templates/model-deploy-2/template-url", "identity/launch-role-arn")
    )
    started = time.monotonic()
    sagemaker = scientist.client("sagemaker")
    sagemaker.create_project(
        ProjectName=LAUNCHED,
        TemplateProviders=[
            {
                "CfnTemplateProvider": {
                    "TemplateName": "model-deploy",
                    "TemplateURL": template_url,
                    "RoleARN": launch_role,
                }
            }
        ],
    )
    project = dict(sagemaker.describe_project(ProjectName=LAUNCHED))
    print(
        f"\nproject {LAUNCHED} launched by {DATA_SCIENTIST}: {project['ProjectStatus']} ({project['ProjectId']}, {time.monotonic() - started:.1f} s)"
    )
    yield project
    sagemaker.delete_project(ProjectName=LAUNCHED)
    registry, s3 = admin.client("sagemaker"), admin.client("s3")
    group = f"mlops-dev-{LAUNCHED}"
    for package in registry.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]:
        registry.delete_model_package(ModelPackageName=package["ModelPackageArn"])
    registry.delete_model_package_group(ModelPackageGroupName=group)
    bucket = f"mlops-dev-project-{project['ProjectId']}-{DEV_ACCOUNT}"
    versions = s3.list_object_versions(Bucket=bucket)
    for item in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
        s3.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=bucket)


def test_a_launched_project_builds_the_lead_alone_approves_staging_then_prod_serve_it_and_a_rejection_rolls_back(
    world: World, launched: dict[str, Any], seed_execution: dict[str, Any]
) -> None:
    emulator_url = world.url
    assert launched["ProjectStatus"] == "CreateCompleted", launched
    group = f"mlops-dev-{LAUNCHED}"
    ci = Account(emulator_url, DEV_ACCOUNT, f"mlops-dev-{LAUNCHED}-ci")
    scientist = Account(emulator_url, DEV_ACCOUNT, DATA_SCIENTIST)
    lead = Account(emulator_url, DEV_ACCOUNT, "mlops-dev-team-lead")
    inspectors = {stage: Account(emulator_url, account) for stage, account in STAGES.items()}
    deployers = {
        stage: Account(emulator_url, account, f"mlops-{stage}-{LAUNCHED}-deploy") for stage, account in STAGES.items()
    }
    assert all(_serving(inspectors[stage], stage, LAUNCHED) is None for stage in STAGES)
    alerts = {stage: _alerts_queue(inspectors[stage], stage) for stage in STAGES}

    upload_input_data(world, LAUNCHED)
    first_build = _build(ci, "first build", LAUNCHED)
    first = first_build["package"]
    assert first.startswith(f"arn:aws:sagemaker:{REGION}:{DEV_ACCOUNT}:model-package/{group}/"), (
        "registered in the registry the template created"
    )
    package = lead.client("sagemaker").describe_model_package(ModelPackageName=first)
    assert package["ModelApprovalStatus"] == "PendingManualApproval"
    report = package["ModelMetrics"]["ModelQuality"]["Statistics"]["S3Uri"]
    bucket, key = report.removeprefix("s3://").split("/", 1)
    mse = json.loads(Account(emulator_url, DEV_ACCOUNT).client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())[
        "regression_metrics"
    ]["mse"]["value"]
    print(f"registered {first}: PendingManualApproval, test MSE {mse:.4f}")

    early = _handle_event(
        deployers["staging"], "staging", "Approved", first, LAUNCHED
    )  # an event before the lead decided
    assert (
        early.returncode == 0
        and "PendingManualApproval in the registry now, not Approved: nothing deployed" in early.stdout
    ), early.stdout + early.stderr
    assert _serving(inspectors["staging"], "staging", LAUNCHED) is None

    # The data scientist who built it may not approve it; the team lead may.
    with pytest.raises(ClientError) as refused:
        _decide(scientist, first, "Approved")
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "explicit deny" in refused.value.response["Error"]["Message"], refused.value.response["Error"]["Message"]
    _decide(lead, first, "Approved")
    print("approved by the team lead (the data scientist was refused: DenyModelApproval)")
    _deploy_everywhere(deployers, first, inspectors, LAUNCHED)
    watched = {stage: _assert_watched(inspectors[stage], stage, LAUNCHED) for stage in STAGES}
    for stage in STAGES:
        [notice] = _notifications(inspectors[stage], alerts[stage])
        assert (notice["result"], notice["model_package_arn"]) == ("succeeded", first), notice
    print(f"watched: scaling 1-2, 3 alarms to the alerts topic, baseline and schedule ({watched['prod']}); notified")
    assert (
        _serving(Account(emulator_url, DEV_ACCOUNT), "staging", LAUNCHED) is None
        and _serving(inspectors["prod"], "staging", LAUNCHED) is None
    ), "an endpoint landed in the wrong account"

    second = _build(ci, "second build", LAUNCHED)["package"]
    _decide(lead, second, "Approved")
    print(f"second build's package {second}: approved")
    _deploy_everywhere(deployers, second, inspectors, LAUNCHED)

    _decide(lead, second, "Rejected")
    for stage in ("staging", "prod"):
        run = _handle_event(deployers[stage], stage, "Rejected", second, LAUNCHED)
        assert run.returncode == 0, f"{stage}: {run.stdout[-2000:]}{run.stderr[-2000:]}"
        assert f"rolled back to {first}" in run.stdout, run.stdout[-2000:]
        assert _serving(inspectors[stage], stage, LAUNCHED) == first
        assert _assert_watched(inspectors[stage], stage, LAUNCHED) == watched[stage], (
            "the schedule follows the rollback"
        )
        assert [n["result"] for n in _notifications(inspectors[stage], alerts[stage])] == ["succeeded", "succeeded"]
    print(f"second package rejected: staging and prod rolled back to {first}")

    # The endpoint serves the real model the pipeline trained.
    answer = (
        deployers["prod"]
        .client("sagemaker-runtime")
        .invoke_endpoint(EndpointName=f"mlops-prod-{LAUNCHED}", ContentType="text/csv", Body=SAMPLE_ROW)
    )
    rings = float(answer["Body"].read().decode())
    print(f"prod endpoint's prediction for {SAMPLE_ROW}: {rings:.2f} rings")
    assert 5 < rings < 20, rings

    # The registry's policy (the template's) names the deploy roles of staging and prod, no other
    # role or account; the same holds for the declared project's registry (the projects stack's).
    for project, package_arn in ((LAUNCHED, first), (PROJECT, seed_execution["package"])):
        for outsider in (
            Account(emulator_url, "444444444444", f"mlops-staging-{project}-deploy"),
            inspectors["staging"],
        ):
            with pytest.raises(ClientError) as denied:
                outsider.client("sagemaker").describe_model_package(ModelPackageName=package_arn)
            assert denied.value.response["Error"]["Code"] == "AccessDeniedException"

    for stage, account in inspectors.items():
        remove_monitoring(_stage_clients(deployers[stage]), make_target("mlops", stage, LAUNCHED, DEV_ACCOUNT, REGION))
        sagemaker = account.client("sagemaker")
        assert (
            sagemaker.list_monitoring_schedules(EndpointName=f"mlops-{stage}-{LAUNCHED}")["MonitoringScheduleSummaries"]
            == []
        )
        assert (
            account.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"mlops-{stage}-{LAUNCHED}-")["MetricAlarms"]
            == []
        )
        _retire_endpoint(account, stage, LAUNCHED)
        account.client("sqs").delete_queue(QueueUrl=alerts[stage])


def test_jobs_that_would_run_as_a_role_the_pipeline_role_may_not_pass_are_refused(
    ci: Account, seed_execution: dict[str, Any]
) -> None:
    """A commit that makes the jobs run as the environment's shared execution role (which reaches
    every project): the CI role may publish it, but the pipeline role may pass only the project's
    job role, so the first job is never created and the step fails with IAM's refusal."""
    sagemaker = ci.client("sagemaker")
    published = sagemaker.describe_pipeline(PipelineName=PIPELINE)
    original = published["PipelineDefinition"]
    assert JOB_ROLE in original and published["RoleArn"] == PIPELINE_ROLE
    sagemaker.update_pipeline(
        PipelineName=PIPELINE,
        PipelineDefinition=original.replace(JOB_ROLE, SHARED_EXECUTION_ROLE),
        RoleArn=PIPELINE_ROLE,
    )
    try:
        arn = sagemaker.start_pipeline_execution(PipelineName=PIPELINE)["PipelineExecutionArn"]
        described, steps, seconds = wait_with_steps(sagemaker, arn)
    finally:
        sagemaker.update_pipeline(PipelineName=PIPELINE, PipelineDefinition=original, RoleArn=PIPELINE_ROLE)
    _print_steps(f"refused execution {arn}", steps, seconds)
    assert described["PipelineExecutionStatus"] == "Failed"
    assert described["FailureReason"] == "Step failure: One or multiple steps failed."
    assert len(steps) == 1 and steps[0]["StepStatus"] == "Failed", "the steps after the refused one are never reached"
    assert steps[0]["FailureReason"] == (
        f"AccessDeniedException: User: arn:aws:sts::{DEV_ACCOUNT}:assumed-role/mlops-dev-{PROJECT}-pipeline/SageMaker is not authorized "
        f"to perform: iam:PassRole on resource: {SHARED_EXECUTION_ROLE} because no identity-based policy allows the action"
    )


def test_a_deploy_role_watches_only_its_projects_endpoint_and_runs_monitoring_jobs_in_the_hosting_network(
    world: World,
) -> None:
    """What the deploy role may do for monitoring is its project's and its stage's network only:
    a baseline job in another subnet is explicitly denied, another project's alarm, schedule or
    baseline data is not allowed, and it may pass no role but the model execution and monitoring
    roles (the journey above shows the allowed calls). Shown with the realtime project's deploy role
    (the declared project is batch: its deploy role has no endpoint to watch)."""
    stage, account = "staging", STAGES["staging"]
    deployer = Account(world.url, account, f"mlops-{stage}-{LAUNCHED}-deploy")
    target = make_target("mlops", stage, LAUNCHED, DEV_ACCOUNT, REGION)
    contract = read_stage_contract(deployer.client("ssm"), target)
    watch = read_monitoring_contract(deployer.client("ssm"), target)
    names = WatchNames(target.endpoint_name, f"{target.endpoint_name}-1-guardrail")
    request = baseline_job_request(names, target, contract, watch)
    sagemaker = deployer.client("sagemaker")

    def refusal(call: Any, **kwargs: Any) -> str:
        with pytest.raises(ClientError) as denied:
            call(**kwargs)
        assert denied.value.response["Error"]["Code"] in ("AccessDenied", "AccessDeniedException"), denied.value
        return str(denied.value.response["Error"]["Message"])

    elsewhere = {
        **request["NetworkConfig"],
        "VpcConfig": {**request["NetworkConfig"]["VpcConfig"], "Subnets": ["subnet-0123456789abcdef0"]},
    }
    assert "explicit deny" in refusal(sagemaker.create_processing_job, **{**request, "NetworkConfig": elsewhere})
    no_vpc = {k: v for k, v in request["NetworkConfig"].items() if k != "VpcConfig"}
    assert "explicit deny" in refusal(sagemaker.create_processing_job, **{**request, "NetworkConfig": no_vpc})
    other_role = f"arn:aws:iam::{account}:role/mlops-{stage}-{PROJECT}-deploy"
    assert "iam:PassRole" in refusal(sagemaker.create_processing_job, **{**request, "RoleArn": other_role})
    assert "sagemaker:CreateMonitoringSchedule" in refusal(
        sagemaker.create_monitoring_schedule,
        MonitoringScheduleName=f"mlops-{stage}-{PROJECT}-data-quality",
        MonitoringScheduleConfig={
            "MonitoringJobDefinitionName": "x",
            "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
        },
    )
    assert "cloudwatch:DeleteAlarms" in refusal(
        deployer.client("cloudwatch").delete_alarms, AlarmNames=[f"mlops-{stage}-{PROJECT}-5xx-errors"]
    )
    assert "s3:PutObject" in refusal(
        deployer.client("s3").put_object,
        Bucket=contract.data_capture_bucket,
        Key=f"{PROJECT}/captured.jsonl",
        Body=b"{}",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=contract.endpoint_key_arn,
    )


# --------------------------------------------------------------------------------------------
# Batch inference: the declared project `abalone` is `serving: batch`
# --------------------------------------------------------------------------------------------

BATCH_ROWS = (REPO_ROOT / "seed_code/model_deploy/pipelines/abalone_deploy/data/sample_rows.csv").read_text()


def _deploy_batch(deployer: Account, stage: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """The deploy workflow's step of a batch project for one stage, with the deploy role's credentials only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | deployer.environment()
    return subprocess.run(
        [
            *(sys.executable, "-m", "abalone_deploy.batch", "--prefix", "mlops", "--stage", stage),
            *("--project", PROJECT, "--dev-account", DEV_ACCOUNT, "--region", REGION, *extra),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _run_schedule_now(admin: Account, stage: str) -> dict[str, Any]:
    """The stage's schedule, run now: a one-time schedule with the same target (pipeline, role and
    input) in its group, created by the account's administrator; the execution it started, finished."""
    scheduler, sagemaker = admin.client("scheduler"), admin.client("sagemaker")
    group, name = f"mlops-{stage}-batch", f"mlops-{stage}-{PROJECT}-batch"
    target = scheduler.get_schedule(Name=name, GroupName=group)["Target"]
    before = {
        e["PipelineExecutionArn"]
        for e in sagemaker.list_pipeline_executions(PipelineName=name)["PipelineExecutionSummaries"]
    }
    scheduler.create_schedule(
        Name=f"{name}-now-{int(time.time())}",
        GroupName=group,
        ScheduleExpression=f"at({time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime())})",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=target,
        ActionAfterCompletion="DELETE",
    )
    started = time.monotonic()
    while not (
        new := [
            e
            for e in sagemaker.list_pipeline_executions(PipelineName=name)["PipelineExecutionSummaries"]
            if e["PipelineExecutionArn"] not in before
        ]
    ):
        assert time.monotonic() - started < 30, f"the schedule did not start {name}"
        time.sleep(0.5)
    described, steps, seconds = wait_with_steps(sagemaker, new[0]["PipelineExecutionArn"])
    _print_steps(f"  {stage}: scheduled run {described['PipelineExecutionArn']}", steps, seconds)
    return {"described": described, "steps": steps}


def _retire_batch(admin: Account, stage: str) -> None:
    """What a team does before the platform is destroyed: the pipeline, models and batch data go."""
    sagemaker, s3 = admin.client("sagemaker"), admin.client("s3")
    sagemaker.delete_pipeline(PipelineName=f"mlops-{stage}-{PROJECT}-batch")
    for model in sagemaker.list_models(NameContains=f"mlops-{stage}-{PROJECT}")["Models"]:
        sagemaker.delete_model(ModelName=model["ModelName"])
    bucket = f"mlops-{stage}-batch-{STAGES[stage]}"
    versions = s3.list_object_versions(Bucket=bucket)
    for item in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
        s3.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])


def test_a_batch_project_is_deployed_to_both_stages_and_its_schedule_scores_the_input_with_the_stage_key(
    world: World, seed_execution: dict[str, Any]
) -> None:
    """Approved in dev, deployed to staging then prod with only the stage deploy role's credentials:
    a model in the hosting VPC with network isolation and a pipeline the stage's schedule starts; the
    scheduled run, once in each stage, writes one finite prediction per input row, encrypted with the
    stage's endpoint key. A transform on an instance type the stage does not allow is refused."""
    package = seed_execution["package"]
    _decide(Account(world.url, DEV_ACCOUNT, "mlops-dev-team-lead"), package, "Approved")
    rows = [line for line in BATCH_ROWS.splitlines()[1:] if line]
    for stage, account in STAGES.items():
        admin, deployer = Account(world.url, account), Account(world.url, account, f"mlops-{stage}-{PROJECT}-deploy")
        ssm = admin.client("ssm")
        key, bucket = (
            ssm.get_parameter(Name=f"/mlops/{stage}/{p}")["Parameter"]["Value"]
            for p in ("kms/endpoint-key-arn", "storage/batch-bucket")
        )
        admin.client("s3").put_object(
            Bucket=bucket, Key=f"{PROJECT}/input/rows.csv", Body="\n".join(rows).encode() + b"\n"
        )
        deployed = _deploy_batch(deployer, stage)
        assert deployed.returncode == 0, deployed.stdout[-2000:] + deployed.stderr[-2000:]
        assert f"mlops-{stage}-{PROJECT}-batch runs {package} (created)" in deployed.stdout, deployed.stdout
        again = _deploy_batch(deployer, stage)
        assert f"runs {package} (unchanged)" in again.stdout, again.stdout + again.stderr

        run = _run_schedule_now(admin, stage)
        assert run["described"]["PipelineExecutionStatus"] == "Succeeded", [
            s.get("FailureReason") for s in run["steps"]
        ]
        job_name = run["steps"][0]["Metadata"]["TransformJob"]["Arn"].rsplit("/", 1)[1]
        job = admin.client("sagemaker").describe_transform_job(TransformJobName=job_name)
        assert job["TransformResources"]["VolumeKmsKeyId"] == key and job["TransformOutput"]["KmsKeyId"] == key
        model = admin.client("sagemaker").describe_model(ModelName=job["ModelName"])
        assert model["EnableNetworkIsolation"] is True
        assert model["ExecutionRoleArn"] == f"arn:aws:iam::{account}:role/mlops-{stage}-model-execution"
        assert (
            ",".join(model["VpcConfig"]["Subnets"])
            == ssm.get_parameter(Name=f"/mlops/{stage}/network/private-subnet-ids")["Parameter"]["Value"]
        )
        execution_id = run["described"]["PipelineExecutionArn"].rsplit("/", 1)[1]
        output = admin.client("s3").get_object(Bucket=bucket, Key=f"{PROJECT}/output/{execution_id}/rows.csv.out")
        assert output["SSEKMSKeyId"] == key, "predictions are encrypted with the stage's endpoint key"
        predictions = [float(line) for line in output["Body"].read().decode().splitlines()]
        print(
            f"  {stage}: {len(predictions)} predictions for {len(rows)} rows: {', '.join(f'{p:.2f}' for p in predictions)}"
        )
        assert len(predictions) == len(rows) and all(math.isfinite(p) and 1 <= p <= 30 for p in predictions), (
            predictions
        )

    # A transform on a type the stage does not allow: the deploy role may write such a pipeline, but
    # the pipeline role's guardrail refuses the job it would create.
    staging_admin = Account(world.url, STAGES["staging"])
    deployer = Account(world.url, STAGES["staging"], f"mlops-staging-{PROJECT}-deploy")
    updated = _deploy_batch(deployer, "staging", "--instance-type", "ml.p3.2xlarge")
    assert "(updated)" in updated.stdout, updated.stdout + updated.stderr
    refused = _run_schedule_now(staging_admin, "staging")
    assert refused["described"]["PipelineExecutionStatus"] == "Failed"
    reason = refused["steps"][0]["FailureReason"]
    assert "sagemaker:CreateTransformJob" in reason and "explicit deny" in reason, reason
    for stage, account in STAGES.items():
        _retire_batch(Account(world.url, account), stage)


def _batch_runs(admin: Account, stage: str) -> tuple[str, str | None]:
    """The stage's schedule state and the package its pipeline runs (the pipeline's lineage tag)."""
    name = f"mlops-{stage}-{PROJECT}-batch"
    state = admin.client("scheduler").get_schedule(Name=name, GroupName=f"mlops-{stage}-batch")["State"]
    sagemaker = admin.client("sagemaker")
    arn = sagemaker.describe_pipeline(PipelineName=name)["PipelineArn"]
    tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=arn)["Tags"]}
    return state, tags.get("model-package-arn")


def test_a_batch_projects_approvals_and_rejections_move_its_schedule_and_are_published(
    world: World, seed_execution: dict[str, Any]
) -> None:
    """The deploy workflow's step of the batch project, per event and stage: approve v1 -> the
    pipeline runs v1; approve v2 -> v2; reject v2 -> back to v1; reject v1 (none Approved left) ->
    the schedule is disabled. Each result is published to the stage's alerts topic."""
    lead, dev_admin = Account(world.url, DEV_ACCOUNT, "mlops-dev-team-lead"), Account(world.url, DEV_ACCOUNT)
    admins = {stage: Account(world.url, account) for stage, account in STAGES.items()}
    deployers = {stage: Account(world.url, a, f"mlops-{stage}-{PROJECT}-deploy") for stage, a in STAGES.items()}
    alerts = {stage: _alerts_queue(admins[stage], stage) for stage in STAGES}
    v1 = seed_execution["package"]
    registry = dev_admin.client("sagemaker")
    # Packages approved by an earlier run on this world are set aside for the test, then restored.
    earlier = [
        p["ModelPackageArn"]
        for p in registry.list_model_packages(
            ModelPackageGroupName=f"mlops-dev-{PROJECT}", ModelApprovalStatus="Approved"
        )["ModelPackageSummaryList"]
        if p["ModelPackageArn"] != v1
    ]
    for arn in earlier:
        _decide(lead, arn, "PendingManualApproval")
    described = registry.describe_model_package(ModelPackageName=v1)
    v2 = registry.create_model_package(  # a second registration of the same model, as a rebuild gives
        ModelPackageGroupName=f"mlops-dev-{PROJECT}",
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification=described["InferenceSpecification"],
        CustomerMetadataProperties=described["CustomerMetadataProperties"],
    )["ModelPackageArn"]

    def event(status: str, arn: str, state: str, runs: str, said: str) -> None:
        _decide(lead, arn, status)
        for stage in STAGES:
            run = _handle_event(deployers[stage], stage, status, arn, PROJECT)
            assert run.returncode == 0 and said in run.stdout, f"{stage}: {run.stdout[-2000:]}{run.stderr[-2000:]}"
            assert _batch_runs(admins[stage], stage) == (state, runs)
            [notice] = _notifications(admins[stage], alerts[stage])
            published = runs if state == "ENABLED" else None
            assert (notice["result"], notice["model_package_arn"]) == ("succeeded", published), notice
        print(
            f"  {status} {arn.rsplit('/', 1)[1]}: schedule {state}, pipeline on {runs.rsplit('/', 1)[1]} (both stages)"
        )

    try:
        event("Approved", v1, "ENABLED", v1, f"serves {v1}")
        event("Approved", v2, "ENABLED", v2, f"serves {v2}")
        event("Rejected", v2, "ENABLED", v1, f"rolled back to {v1}")
        event("Rejected", v1, "DISABLED", v1, "no other Approved package: schedule")
        event("Approved", v1, "ENABLED", v1, f"serves {v1}")  # the next approval enables it again
    finally:
        for arn in (v1, *earlier):
            _decide(lead, arn, "Approved")
        registry.delete_model_package(ModelPackageName=v2)
        for stage, admin in admins.items():
            admin.client("sqs").delete_queue(QueueUrl=alerts[stage])
            _retire_batch(admin, stage)
