"""SageMaker hosting and the cross-account model registry: what a deployment needs of the emulator.

- `UpdateEndpoint` does not exist in moto 5.2.5.
- A deploy role of the staging or prod account reads the dev account's model registry by ARN,
  allowed by the group's resource policy. moto keeps each account's registry to itself, so the
  call found nothing; here it is served from the owning account when that policy allows the caller.
- `InvokeEndpoint` answers canned text in moto; here an endpoint serving a model in the built-in
  XGBoost format answers with that model's predictions.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tarfile
from collections.abc import Callable
from typing import Any

from orchestrator.policy.evaluator import Request, statement_applies

XGBOOST_MODEL_FILE = "xgboost-model"
_REGISTRY_ARN = re.compile(
    r"^arn:(?P<partition>[^:]+):sagemaker:(?P<region>[^:]+):(?P<account>\d{12}):model-package(?P<kind>-group)?/(?P<path>.+)$"
)
_S3_URL = re.compile(r"^s3://(?P<bucket>[^/]+)/(?P<key>.+)$")


# --------------------------------------------------------------------------------------------
# UpdateEndpoint
# --------------------------------------------------------------------------------------------


def endpoints_can_be_updated() -> None:
    """UpdateEndpoint: the endpoint switches to the new configuration at once and stays InService
    (what SageMaker ends with after a successful update). Unknown endpoint or configuration: the
    ValidationException SageMaker gives."""
    from moto.core.responses import ActionResult  # noqa: PLC0415
    from moto.core.utils import utcnow  # noqa: PLC0415
    from moto.sagemaker.exceptions import ValidationError  # noqa: PLC0415
    from moto.sagemaker.models import SageMakerModelBackend  # noqa: PLC0415
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    def update_endpoint(self: SageMakerModelBackend, endpoint_name: str, endpoint_config_name: str) -> str:
        endpoint = self.endpoints.get(endpoint_name)
        if endpoint is None:
            raise ValidationError(message=f'Could not find endpoint "{endpoint_name}".')
        config = self.describe_endpoint_config(endpoint_config_name)
        endpoint.endpoint_config_name = config["EndpointConfigName"]
        endpoint.production_variants = endpoint._process_production_variants(config["ProductionVariants"])
        endpoint.data_capture_config = config.get("DataCaptureConfig") or {}
        endpoint.endpoint_status = "InService"
        endpoint.last_modified_time = utcnow()
        return str(endpoint.arn)

    def update_endpoint_response(self: SageMakerResponse) -> Any:
        arn = self.sagemaker_backend.update_endpoint(  # type: ignore[attr-defined]
            self._get_param("EndpointName"), self._get_param("EndpointConfigName")
        )
        return ActionResult({"EndpointArn": arn})

    SageMakerModelBackend.update_endpoint = update_endpoint  # type: ignore[attr-defined]
    SageMakerResponse.update_endpoint = update_endpoint_response  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# Registry reads across accounts
# --------------------------------------------------------------------------------------------


def _group_of(arn: str) -> tuple[str, str, str] | None:
    """(account, region, group name) of a model package or group ARN; None if it is no such ARN."""
    match = _REGISTRY_ARN.match(arn)
    if match is None:
        return None
    path = match.group("path")
    group = path if match.group("kind") else path.rsplit("/", 1)[0]
    return match.group("account"), match.group("region"), group


def caller_principal_arn(response: Any) -> str:
    """The IAM ARN a request is made with (an assumed role's role ARN, as `aws:PrincipalArn` gives it)."""
    from moto.sts.models import sts_backends  # noqa: PLC0415
    from moto.utilities.utils import get_partition  # noqa: PLC0415

    partition = get_partition(response.region)
    _, arn, _ = sts_backends[response.current_account][partition].get_caller_identity(
        response.get_access_key(), response.region
    )
    assumed = re.match(r"^arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/", arn)
    return f"arn:{assumed.group(1)}:iam::{assumed.group(2)}:role/{assumed.group(3)}" if assumed else arn


def _principal_named(statement: dict[str, Any], principal_arn: str, account: str) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return True
    names = principal.get("AWS", []) if isinstance(principal, dict) else []
    names = [names] if isinstance(names, str) else list(names)
    return any(
        name in ("*", account, principal_arn) or re.fullmatch(rf"arn:[^:]+:iam::{account}:root", name) for name in names
    )


def resource_policy_allows(policy: dict[str, Any], action: str, resource: str, principal_arn: str) -> bool:
    """A resource policy's decision for a caller of another account: an Allow that names the caller
    (its account root or its ARN) and whose action, resource and conditions match; no Deny that does."""
    account = principal_arn.split(":")[4]
    request = Request(action, resource, {"aws:PrincipalArn": principal_arn, "aws:PrincipalAccount": account})
    matching = [
        s
        for s in policy.get("Statement", [])
        if _principal_named(s, principal_arn, account) and statement_applies(s, request)
    ]
    return any(s.get("Effect") == "Allow" for s in matching) and not any(s.get("Effect") == "Deny" for s in matching)


def registry_reads_across_accounts_follow_the_group_policy() -> None:
    """ListModelPackages and DescribeModelPackage naming another account's group or package by ARN
    (what the deploy code calls): allowed if that group's resource policy allows the caller (evaluated
    with IAM's condition semantics), then answered from the owning account; otherwise the
    AccessDeniedException SageMaker gives. Calls within one account are unchanged."""
    from moto.core.exceptions import JsonRESTError  # noqa: PLC0415
    from moto.sagemaker.models import sagemaker_backends  # noqa: PLC0415
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    from orchestrator.emulator.extensions.sagemaker import _model_package_group_policies  # noqa: PLC0415

    def across_accounts(action: str, parameter: str, original: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def handler(self: Any) -> Any:
            named = self._get_param(parameter) or ""
            owner = _group_of(named)
            if owner is None or owner[0] == self.current_account:
                return original(self)
            account, region, group = owner
            principal = caller_principal_arn(self)
            policy_text = _model_package_group_policies(sagemaker_backends[account][region]).get(group)
            policy = json.loads(policy_text) if policy_text else {}
            if not resource_policy_allows(policy, f"sagemaker:{action}", named, principal):
                raise JsonRESTError(
                    "AccessDeniedException",
                    f"User: {principal} is not authorized to perform: sagemaker:{action} on resource: {named} "
                    "because no resource-based policy allows the action",
                )
            caller = self.current_account
            self.current_account = account
            try:
                return original(self)
            finally:
                self.current_account = caller

        return handler

    for action, parameter in (
        ("ListModelPackages", "ModelPackageGroupName"),
        ("DescribeModelPackage", "ModelPackageName"),
    ):
        method = re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower()
        setattr(SageMakerResponse, method, across_accounts(action, parameter, getattr(SageMakerResponse, method)))


# --------------------------------------------------------------------------------------------
# InvokeEndpoint with the deployed model
# --------------------------------------------------------------------------------------------


class ModelNotRunnable(Exception):
    """The endpoint's model cannot be run here; the stock canned answer is given instead."""


def _object_bytes(url: str, region: str) -> bytes:
    """An S3 object by URL, from whichever simulated account owns the bucket (names are global)."""
    from moto.s3.models import s3_backends  # noqa: PLC0415
    from moto.utilities.utils import get_partition  # noqa: PLC0415

    match = _S3_URL.match(url)
    if match is None:
        raise ModelNotRunnable(f"ModelDataUrl {url!r} is not an s3:// URL")
    partition = get_partition(region)
    for account in list(s3_backends.keys()):
        backend = s3_backends[account][partition]
        if match.group("bucket") in backend.buckets:
            key = backend.get_object(match.group("bucket"), match.group("key"))
            if key is None:
                break
            return bytes(key.value)
    raise ModelNotRunnable(f"{url} does not exist")


def xgboost_predictions(archive: bytes, csv_body: str) -> list[float]:
    """Predictions of the `xgboost-model` inside a model.tar.gz for header-less CSV feature rows."""
    try:
        import numpy  # noqa: PLC0415
        import xgboost  # noqa: PLC0415
    except ImportError as exc:
        raise ModelNotRunnable(f"xgboost is not installed in the emulator's Python: {exc}") from exc
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            member = tar.extractfile(XGBOOST_MODEL_FILE) if XGBOOST_MODEL_FILE in tar.getnames() else None
            if member is None:
                raise ModelNotRunnable(f"the model archive holds no {XGBOOST_MODEL_FILE}")
            booster = xgboost.Booster()
            booster.load_model(bytearray(member.read()))
    except (OSError, EOFError, tarfile.TarError, xgboost.core.XGBoostError) as exc:
        # Not a model.tar.gz of the built-in XGBoost format: a model of another kind.
        raise ModelNotRunnable(f"the model archive is not in the built-in XGBoost format: {exc}") from exc
    rows = [[float(value) for value in row] for row in csv.reader(io.StringIO(csv_body)) if row]
    return [float(p) for p in booster.predict(xgboost.DMatrix(numpy.array(rows, dtype=float)))]


def endpoints_answer_with_the_deployed_model() -> None:
    """InvokeEndpoint with a text/csv body on an endpoint whose model's ModelDataUrl is a
    model.tar.gz in the built-in XGBoost format: the rows are predicted by that model, answered
    comma-separated as `text/csv`. Endpoints of other models (or without xgboost installed) keep
    moto's canned answers. A body that is not numeric CSV gets SageMaker's ModelError (424)."""
    from moto.core.exceptions import JsonRESTError  # noqa: PLC0415
    from moto.sagemaker.models import sagemaker_backends  # noqa: PLC0415
    from moto.sagemakerruntime.responses import SageMakerRuntimeResponse  # noqa: PLC0415

    original = SageMakerRuntimeResponse.invoke_endpoint

    def invoke_endpoint(self: Any) -> Any:
        name = self._get_param("EndpointName")
        backend = sagemaker_backends[self.current_account][self.region]
        endpoint = backend.endpoints.get(name)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if endpoint is None or content_type != "text/csv":
            return original(self)
        config = backend.endpoint_configs[endpoint.endpoint_config_name].response_object
        model = backend._models.get(config["ProductionVariants"][0]["ModelName"])
        url = (model.primary_container or {}).get("ModelDataUrl", "") if model is not None else ""
        try:
            body = self.body.decode() if isinstance(self.body, bytes) else str(self.body)
            predictions = xgboost_predictions(_object_bytes(url, self.region), body)
        except ModelNotRunnable:
            return original(self)
        except (ValueError, OSError, tarfile.TarError) as exc:
            error = JsonRESTError("ModelError", f'Received client error (400) from primary with message "{exc}"')
            error.code = 424
            raise error from exc
        answer = ",".join(f"{p:.6g}" for p in predictions)
        return (
            200,
            {
                "Content-Type": "text/csv",
                "x-Amzn-Invoked-Production-Variant": config["ProductionVariants"][0]["VariantName"],
            },
            answer,
        )

    SageMakerRuntimeResponse.invoke_endpoint = invoke_endpoint  # type: ignore[method-assign]
