"""A pipeline's Transform step as SageMaker runs a batch transform: the model's archive and every
input object read as the model's execution role, one prediction per input line written to
<output>/<input name>.out under the output key; what it does not run is refused, and a model that
does not exist fails the step."""

from __future__ import annotations

import io
import json
import random
import tarfile
from collections.abc import Iterator
from typing import Any

import pytest
import xgboost

from orchestrator.emulator.extensions.pipelines import service, transform
from orchestrator.emulator.extensions.pipelines.jobs import Run, StepFailed
from tests.orchestrator.emulator.inprocess import REGION, serving, session

ACCOUNT = "222222222222"
BUCKET = f"batch-{ACCOUNT}"
JOB_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:transform-job/test-job"


def _archive() -> bytes:
    generator = random.Random(7)
    rows = [[generator.uniform(0, 10), generator.uniform(0, 5)] for _ in range(200)]
    labels = [3 * a + 2 * b for a, b in rows]
    booster = xgboost.train({"max_depth": 3}, xgboost.DMatrix(rows, label=labels), num_boost_round=30)
    raw = booster.save_raw(raw_format="json")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("xgboost-model")
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(bytes(raw)))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def emulator() -> Iterator[dict[str, Any]]:
    with serving() as url:
        admin = session(url, f"arn:aws:iam::{ACCOUNT}:role/admin")
        s3 = admin.client("s3", endpoint_url=url)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        key = admin.client("kms", endpoint_url=url).create_key()["KeyMetadata"]["Arn"]
        iam = admin.client("iam", endpoint_url=url)
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
        role = iam.create_role(RoleName="model-execution", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        iam.put_role_policy(
            RoleName="model-execution",
            PolicyName="batch",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"},
                        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"},
                        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{BUCKET}/out/*"},
                        {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": key},
                    ],
                }
            ),
        )
        s3.put_object(Bucket=BUCKET, Key="models/model.tar.gz", Body=_archive())
        s3.put_object(Bucket=BUCKET, Key="in/a.csv", Body=b"5.0,2.0\n1.0,1.0\n")
        s3.put_object(Bucket=BUCKET, Key="in/more/b.csv", Body=b"2.0,0.5\n")
        sagemaker = admin.client("sagemaker", endpoint_url=url)
        sagemaker.create_model(
            ModelName="batch-model",
            ExecutionRoleArn=role,
            PrimaryContainer={"Image": "xgboost", "ModelDataUrl": f"s3://{BUCKET}/models/model.tar.gz"},
            EnableNetworkIsolation=True,
        )
        yield {"url": url, "admin": admin, "key": key, "role": role}


def _arguments(key: str, output: str = f"s3://{BUCKET}/out/run-1", **input_extra: Any) -> dict[str, Any]:
    return {
        "ModelName": "batch-model",
        "TransformInput": {
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{BUCKET}/in/"}},
            "ContentType": "text/csv",
            "SplitType": "Line",
            **input_extra,
        },
        "TransformOutput": {"S3OutputPath": output, "KmsKeyId": key, "AssembleWith": "Line"},
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeKmsKeyId": key},
    }


def _run(emulator: dict[str, Any]) -> Run:
    pipeline = service.assume(emulator["role"], JOB_ARN, REGION)
    return Run(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/p/execution/e1", "e1", pipeline)


def test_each_input_line_gets_one_prediction_under_the_output_key(emulator: dict[str, Any]) -> None:
    job = service.assume(emulator["role"], JOB_ARN, REGION)
    model = transform.model_of(_run(emulator), "batch-model")
    assert model.enable_network_isolation is True, "CreateModel's EnableNetworkIsolation is kept"
    written = transform.transform(job, model, _arguments(emulator["key"]))
    assert written == [f"s3://{BUCKET}/out/run-1/a.csv.out", f"s3://{BUCKET}/out/run-1/more/b.csv.out"]
    s3 = emulator["admin"].client("s3", endpoint_url=emulator["url"])
    first = s3.get_object(Bucket=BUCKET, Key="out/run-1/a.csv.out")
    assert first["SSEKMSKeyId"] == emulator["key"]
    predictions = [float(line) for line in first["Body"].read().decode().splitlines()]
    assert len(predictions) == 2 and abs(predictions[0] - 19.0) < 2.5 and abs(predictions[1] - 5.0) < 2.5, predictions
    assert len(s3.get_object(Bucket=BUCKET, Key="out/run-1/more/b.csv.out")["Body"].read().splitlines()) == 1


def test_the_job_writes_only_where_its_role_may(emulator: dict[str, Any]) -> None:
    job = service.assume(emulator["role"], JOB_ARN, REGION)
    model = transform.model_of(_run(emulator), "batch-model")
    with pytest.raises(StepFailed, match="AccessDenied"):
        transform.transform(job, model, _arguments(emulator["key"], output=f"s3://{BUCKET}/elsewhere"))


def test_what_the_emulator_does_not_run_and_a_missing_model_fail_the_step(emulator: dict[str, Any]) -> None:
    with pytest.raises(StepFailed, match=r"SplitType RecordIO \(Line only\)"):
        transform.check_request(_arguments(emulator["key"], SplitType="RecordIO"))
    with pytest.raises(StepFailed, match=r"S3DataType ManifestFile"):
        transform.check_request(
            {"TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "ManifestFile", "S3Uri": "s3://b/m"}}}}
        )
    with pytest.raises(StepFailed, match='ValidationException: Could not find model "absent"'):
        transform.model_of(_run(emulator), "absent")
