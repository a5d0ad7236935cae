"""The step runners of pipeline executions: the built-in XGBoost algorithm as its container runs it
(hyperparameters, early stopping, the model hosting loads), a processing job in its own mount
namespace (SageMaker's paths, nothing shared between jobs, outputs under the job's KMS key), a
training job's model.tar.gz and metrics, and the roles SageMaker may use."""

from __future__ import annotations

import io
import json
import random
import shutil
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orchestrator.emulator.extensions.hosting import xgboost_predictions
from orchestrator.emulator.extensions.pipelines import processing, service, training, xgboost_algorithm
from orchestrator.emulator.extensions.pipelines.jobs import StepFailed
from tests.orchestrator.emulator.inprocess import REGION, serving, session

ACCOUNT = "111111111111"
BUCKET = f"data-{ACCOUNT}"
JOB_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:processing-job/test-job"
IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
TRUST_SAGEMAKER = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    ],
}


def _rows(count: int, seed: int, noise: float = 0.1) -> str:
    generator = random.Random(seed)
    lines = []
    for _ in range(count):
        x1, x2 = generator.uniform(0, 10), generator.uniform(0, 5)
        lines.append(f"{3 * x1 + 2 * x2 + generator.gauss(0, noise):.4f},{x1:.4f},{x2:.4f}")
    return "\n".join(lines) + "\n"


def _container(root: Path, hyperparameters: dict[str, str], channels: dict[str, str]) -> Path:
    (root / "input" / "config").mkdir(parents=True)
    (root / "input" / "config" / "hyperparameters.json").write_text(json.dumps(hyperparameters))
    (root / "input" / "config" / "inputdataconfig.json").write_text(
        json.dumps({name: {"ContentType": "text/csv"} for name in channels})
    )
    for name, text in channels.items():
        (root / "input" / "data" / name).mkdir(parents=True)
        (root / "input" / "data" / name / f"{name}.csv").write_text(text)
    return root


def test_the_xgboost_algorithm_trains_a_model_hosting_serves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _container(
        tmp_path,
        {"num_round": "30", "objective": "reg:squarederror", "max_depth": "3", "eta": "0.3", "eval_metric": "rmse,mae"},
        {"train": _rows(200, 1), "validation": _rows(50, 2)},
    )
    xgboost_algorithm.train(root)
    metrics = training.final_metrics(capsys.readouterr().out)
    assert set(metrics) == {"train:rmse", "train:mae", "validation:rmse", "validation:mae"}
    assert metrics["validation:rmse"] < 2.0, metrics
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        tar.add(root / "model" / "xgboost-model", arcname="xgboost-model")
    prediction = xgboost_predictions(archive.getvalue(), "5.0,2.0\n")[0]
    assert abs(prediction - 19.0) < 2.0, prediction


def _noise() -> str:
    return "\n".join(f"{random.Random(i).uniform(-50, 50):.3f},{i % 7},{i % 3}" for i in range(60)) + "\n"


def test_early_stopping_ends_training_and_keeps_the_best_iteration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Validation labels unrelated to the features: the validation error soon stops improving, so
    training stops early_stopping_rounds after its best round, and the model keeps that round."""
    root = _container(
        tmp_path,
        {"num_round": "500", "early_stopping_rounds": "5", "eta": "0.3", "eval_metric": "mae,rmse"},
        {"train": _rows(200, 3), "validation": _noise()},
    )
    booster = xgboost_algorithm.train(root)
    rounds = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[")]
    assert len(rounds) < 500
    assert len(rounds) - 5 <= booster.num_boosted_rounds() < len(rounds), "the saved model is the best iteration's"


def test_without_eval_metric_the_algorithm_does_not_stop_early(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _container(
        tmp_path, {"num_round": "40", "early_stopping_rounds": "2"}, {"train": _rows(100, 3), "validation": _noise()}
    )
    assert xgboost_algorithm.train(root).num_boosted_rounds() == 40
    assert "early_stopping_rounds is not applied" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("hyperparameters", "channels", "message"),
    [
        ({"objective": "reg:squarederror"}, ("train",), "num_round is required"),
        ({"num_round": "5", "learning_speed": "9"}, ("train",), "learning_speed not a valid"),
        ({"num_round": "five"}, ("train",), "must be a number"),
        ({"num_round": "5"}, ("validation",), "train channel is required"),
    ],
)
def test_bad_hyperparameters_and_channels_are_client_errors(
    tmp_path: Path, hyperparameters: dict[str, str], channels: tuple[str, ...], message: str
) -> None:
    root = _container(tmp_path, hyperparameters, {name: _rows(20, 4) for name in channels})
    assert xgboost_algorithm.main(root) == 2
    failure = (root / "output" / "failure").read_text()
    assert failure.startswith("ClientError:") and message in failure


def test_only_the_built_in_xgboost_image_is_trained() -> None:
    training.check_image({"AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"}})
    with pytest.raises(StepFailed, match=r"only the built-in XGBoost algorithm .*/my-own-algorithm:1 is not run"):
        training.check_image(
            {
                "AlgorithmSpecification": {
                    "TrainingImage": "111111111111.dkr.ecr.eu-west-1.amazonaws.com/my-own-algorithm:1"
                }
            }
        )


# --------------------------------------------------------------------------------------------
# Jobs against the emulator served in this process
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emulator() -> Iterator[dict[str, Any]]:
    with serving() as url:
        admin = session(url, f"arn:aws:iam::{ACCOUNT}:role/admin")
        admin.client("s3", endpoint_url=url).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        key = admin.client("kms", endpoint_url=url).create_key()["KeyMetadata"]["Arn"]
        iam = admin.client("iam", endpoint_url=url)
        roles = {}
        for name, trust in (
            ("jobs", TRUST_SAGEMAKER),
            (
                "not-for-sagemaker",
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
            ),
        ):
            roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        iam.put_role_policy(
            RoleName="jobs",
            PolicyName="data",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                            "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                        },
                        {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": key},
                    ],
                }
            ),
        )
        yield {"url": url, "admin": admin, "key": key, "roles": roles}


def _put(emulator: dict[str, Any], key: str, body: str) -> None:
    emulator["admin"].client("s3", endpoint_url=emulator["url"]).put_object(Bucket=BUCKET, Key=key, Body=body.encode())


SCRIPT = """
import os, sys
from pathlib import Path
rows = Path('/opt/ml/processing/input/data.csv').read_text().splitlines()
seen = sorted(os.listdir('/opt/ml'))
Path('/opt/ml/processing/output/count.json').write_text('{"rows": %d, "argument": "%s"}' % (len(rows), sys.argv[1]))
Path('/opt/ml/processing/output/seen.txt').write_text(','.join(seen))
Path('/opt/ml/left-behind').write_text('x')
"""


def _processing_arguments(emulator: dict[str, Any], out: str) -> dict[str, Any]:
    return {
        "RoleArn": emulator["roles"]["jobs"],
        "AppSpecification": {
            "ImageUri": "any",
            "ContainerEntrypoint": ["python3", "/opt/ml/processing/code/job.py"],
            "ContainerArguments": ["hello"],
        },
        "ProcessingInputs": [
            {
                "InputName": "data",
                "S3Input": {
                    "S3Uri": f"s3://{BUCKET}/in/data.csv",
                    "LocalPath": "/opt/ml/processing/input",
                    "S3DataType": "S3Prefix",
                },
            },
            {
                "InputName": "code",
                "S3Input": {
                    "S3Uri": f"s3://{BUCKET}/code/",
                    "LocalPath": "/opt/ml/processing/code",
                    "S3DataType": "S3Prefix",
                },
            },
        ],
        "ProcessingOutputConfig": {
            "KmsKeyId": emulator["key"],
            "Outputs": [
                {
                    "OutputName": "result",
                    "S3Output": {
                        "S3Uri": f"s3://{BUCKET}/{out}",
                        "LocalPath": "/opt/ml/processing/output",
                        "S3UploadMode": "EndOfJob",
                    },
                }
            ],
        },
        "NetworkConfig": {"EnableNetworkIsolation": True},
        "StoppingCondition": {"MaxRuntimeInSeconds": 120},
    }


def test_a_processing_job_sees_sagemakers_paths_and_nothing_of_another_job(
    emulator: dict[str, Any], tmp_path: Path
) -> None:
    _put(emulator, "in/data.csv", "1,2\n3,4\n5,6\n")
    _put(emulator, "code/job.py", SCRIPT)
    job = service.assume(emulator["roles"]["jobs"], JOB_ARN, REGION)
    for run, out in ((1, "first"), (2, "second")):
        finished = processing.run_job(job, _processing_arguments(emulator, out), tmp_path / f"job-{run}")
        assert finished.returncode == 0, finished.output
    s3 = emulator["admin"].client("s3", endpoint_url=emulator["url"])
    for out in ("first", "second"):
        assert json.loads(s3.get_object(Bucket=BUCKET, Key=f"{out}/count.json")["Body"].read()) == {
            "rows": 3,
            "argument": "hello",
        }
        assert s3.get_object(Bucket=BUCKET, Key=f"{out}/seen.txt")["Body"].read() == b"processing", (
            "the second job saw the first one's files"
        )
        assert s3.head_object(Bucket=BUCKET, Key=f"{out}/count.json")["SSEKMSKeyId"] == emulator["key"]


def test_a_failing_script_and_a_missing_namespace_fail_the_job(
    emulator: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _put(emulator, "in/data.csv", "1,2\n")
    _put(emulator, "code/job.py", "import sys\nprint('bad input', file=sys.stderr)\nsys.exit(3)\n")
    job = service.assume(emulator["roles"]["jobs"], JOB_ARN, REGION)
    with pytest.raises(StepFailed, match="AlgorithmError: the job's command exited with 3: bad input"):
        processing.run_job(job, _processing_arguments(emulator, "failed"), tmp_path / "failing")
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(StepFailed, match="no mount namespace can be made for the job"):
        processing.run_job(job, _processing_arguments(emulator, "failed"), tmp_path / "no-namespace")


def test_a_training_job_writes_its_model_archive_and_metrics(emulator: dict[str, Any], tmp_path: Path) -> None:
    _put(emulator, "split/train/train.csv", _rows(150, 5))
    _put(emulator, "split/validation/validation.csv", _rows(40, 6))
    arguments = {
        "RoleArn": emulator["roles"]["jobs"],
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "HyperParameters": {"num_round": "20", "max_depth": "3"},
        "InputDataConfig": [
            {
                "ChannelName": name,
                "ContentType": "text/csv",
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{BUCKET}/split/{name}"}},
            }
            for name in ("train", "validation")
        ],
        "OutputDataConfig": {"S3OutputPath": f"s3://{BUCKET}/models", "KmsKeyId": emulator["key"]},
        "EnableNetworkIsolation": True,
    }
    job = service.assume(emulator["roles"]["jobs"], JOB_ARN, REGION)
    metrics = training.run_job(job, arguments, "train-1", tmp_path)
    assert metrics["validation:rmse"] < 3.0 and "train:rmse" in metrics
    archive = (
        emulator["admin"]
        .client("s3", endpoint_url=emulator["url"])
        .get_object(Bucket=BUCKET, Key="models/train-1/output/model.tar.gz")
    )
    assert archive["SSEKMSKeyId"] == emulator["key"]
    assert len(xgboost_predictions(archive["Body"].read(), "1,1\n2,2\n")) == 2


def test_sagemaker_uses_only_roles_that_trust_it(emulator: dict[str, Any]) -> None:
    with pytest.raises(
        service.Refused,
        match=r"AccessDenied: SageMaker cannot assume the role .*not-for-sagemaker.*does not allow sagemaker.amazonaws.com",
    ):
        service.assume(emulator["roles"]["not-for-sagemaker"], JOB_ARN, REGION)
    other_account = JOB_ARN.replace(ACCOUNT, "222222222222")
    with pytest.raises(service.Refused, match="AccessDenied"):
        service.assume(emulator["roles"]["jobs"], other_account, REGION)
