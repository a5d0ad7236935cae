"""What IAM checks for an operation: its action(s), the resource ARN of each, the condition keys the
request carries, and the checks an operation implies.

One function per service turns a `Call` into `Check`s; a service or operation without a rule gives
None, and the emulator counts the request as unevaluated. Resource ARNs follow the service
authorization reference (SageMaker lowercases names in ARNs; SSM parameter names keep their path).
Implied checks: a role handed to a service needs iam:PassRole on it (iam:PassedToService set), an
object written or read with SSE-KMS needs the KMS call S3 makes for the caller (kms:ViaService set),
tags sent with a call need sts:TagSession (AssumeRole) or carry aws:RequestTag/aws:TagKeys, a source
identity sts:SetSourceIdentity (AssumeRole).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orchestrator.emulator.authorization.calls import Call

Context = dict[str, Any]


@dataclass(frozen=True)
class Check:
    action: str
    resource: str
    context: Context = field(default_factory=dict)


@dataclass(frozen=True)
class Where:
    """The account and partition a request lands in (the caller's), for ARNs without an account."""

    account: str
    partition: str = "aws"


Rule = Callable[[Call, Where], list[Check] | None]


def _arn(where: Where, service: str, region: str, resource: str, account: str | None = None) -> str:
    return f"arn:{where.partition}:{service}:{region}:{where.account if account is None else account}:{resource}"


def _tags_context(tags: Any) -> Context:
    """aws:RequestTag/* and aws:TagKeys of the tags a request sends (a list of Key/Value or a map)."""
    pairs: dict[str, str] = {}
    if isinstance(tags, dict):
        pairs = {str(k): str(v) for k, v in tags.items()}
    elif isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, dict):
                key = tag.get("Key", tag.get("key", tag.get("TagKey")))
                value = tag.get("Value", tag.get("value", tag.get("TagValue", "")))
                if key is not None:
                    pairs[str(key)] = str(value)
    if not pairs:
        return {}
    return {"aws:TagKeys": sorted(pairs)} | {f"aws:RequestTag/{k}": v for k, v in pairs.items()}


def _pass_role(role_arn: Any, service: str) -> list[Check]:
    if not isinstance(role_arn, str) or not role_arn.startswith("arn:"):
        return []
    return [Check("iam:PassRole", role_arn, {"iam:PassedToService": service})]


# ---------------------------------------------------------------------------------------------
# STS
# ---------------------------------------------------------------------------------------------


def sts(call: Call, where: Where) -> list[Check] | None:
    params = call.params
    if call.operation == "GetCallerIdentity":
        return []  # always allowed, whatever the policies say
    if call.operation in ("AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"):
        role = str(params.get("RoleArn", ""))
        context: Context = {"sts:RoleSessionName": params.get("RoleSessionName", "")}
        if params.get("ExternalId") is not None:
            context["sts:ExternalId"] = params["ExternalId"]
        if params.get("SourceIdentity") is not None:
            context["sts:SourceIdentity"] = params["SourceIdentity"]
        tags = _tags_context(params.get("Tags"))
        checks = [Check(f"sts:{call.operation}", role, context | tags)]
        if tags:
            checks.append(Check("sts:TagSession", role, context | tags))
        if "sts:SourceIdentity" in context:
            # STS asks the role's trust policy for sts:SetSourceIdentity too when a source identity is set.
            checks.append(Check("sts:SetSourceIdentity", role, context | tags))
        return checks
    if call.operation in ("GetSessionToken", "GetAccessKeyInfo", "DecodeAuthorizationMessage", "GetFederationToken"):
        return [Check(f"sts:{call.operation}", "*")]
    return None


# ---------------------------------------------------------------------------------------------
# IAM
# ---------------------------------------------------------------------------------------------

_IAM_NAME_PARAMS = (
    ("RoleName", "role"),
    ("UserName", "user"),
    ("GroupName", "group"),
    ("InstanceProfileName", "instance-profile"),
)
_IAM_STAR = re.compile(
    r"^(List(Roles|Policies|Users|Groups|OpenIDConnectProviders|SAMLProviders|InstanceProfiles|AccountAliases|ServerCertificates|VirtualMFADevices)|Get(AccountSummary|AccountAuthorizationDetails|AccountPasswordPolicy|CredentialReport)|GenerateCredentialReport|CreateAccountAlias|DeleteAccountAlias|SimulateCustomPolicy|GetContextKeysForCustomPolicy|GetServiceLastAccessedDetails)$"
)


def _iam_path_name(path: Any, name: str) -> str:
    path = path if isinstance(path, str) and path.startswith("/") else "/"
    return f"{path.lstrip('/')}{name}"


def _iam_role(where: Where, name: str) -> Any:
    from moto.iam.models import iam_backends  # noqa: PLC0415

    return next((r for r in iam_backends[where.account][where.partition].roles.values() if r.name == name), None)


def _iam_role_arn(where: Where, name: str) -> str:
    role = _iam_role(where, name)
    return str(role.arn) if role is not None else f"arn:{where.partition}:iam::{where.account}:role/{name}"


# Calls on an existing role whose iam:PermissionsBoundary is the boundary the role carries now
# (PutRolePermissionsBoundary and CreateRole carry the one they set).
_CURRENT_BOUNDARY = frozenset(
    {"AttachRolePolicy", "DetachRolePolicy", "PutRolePolicy", "DeleteRolePolicy", "DeleteRolePermissionsBoundary"}
)


def _current_boundary(where: Where, name: str) -> Context:
    role = _iam_role(where, name)
    boundary = getattr(role, "permissions_boundary_arn", None) if role is not None else None
    return {"iam:PermissionsBoundary": str(boundary)} if boundary else {}


def iam(call: Call, where: Where) -> list[Check] | None:
    params, operation = call.params, call.operation
    action = f"iam:{operation}"
    if _IAM_STAR.match(operation):
        return [Check(action, "*")]
    context: Context = _tags_context(params.get("Tags"))
    if "PermissionsBoundary" in params:
        context["iam:PermissionsBoundary"] = params["PermissionsBoundary"]
    if "PolicyArn" in params and operation.startswith(("Attach", "Detach")):
        context["iam:PolicyARN"] = params["PolicyArn"]
    if operation == "GetUser" and "UserName" not in params:
        return []  # about the caller itself; a role's session gets IAM's error, no resource to decide
    if operation in _CURRENT_BOUNDARY and "RoleName" in params:
        context |= _current_boundary(where, str(params["RoleName"]))
    if operation == "CreateServiceLinkedRole":
        return [
            Check(
                action,
                f"arn:{where.partition}:iam::{where.account}:role/aws-service-role/{params.get('AWSServiceName', '')}/*",
                {"iam:AWSServiceName": params.get("AWSServiceName", "")},
            )
        ]
    for parameter, kind in _IAM_NAME_PARAMS:
        if parameter in params:
            name = str(params[parameter])
            if kind == "role" and not operation.startswith("Create"):
                return [Check(action, _iam_role_arn(where, name), context)]
            return [
                Check(
                    action,
                    f"arn:{where.partition}:iam::{where.account}:{kind}/{_iam_path_name(params.get('Path'), name)}",
                    context,
                )
            ]
    if "PolicyArn" in params:
        return [Check(action, str(params["PolicyArn"]), context)]
    if operation == "CreatePolicy":
        return [
            Check(
                action,
                f"arn:{where.partition}:iam::{where.account}:policy/{_iam_path_name(params.get('Path'), str(params.get('PolicyName', '')))}",
                context,
            )
        ]
    if "OpenIDConnectProviderArn" in params:
        return [Check(action, str(params["OpenIDConnectProviderArn"]), context)]
    if operation == "CreateOpenIDConnectProvider":
        host = str(params.get("Url", "")).removeprefix("https://")
        return [Check(action, f"arn:{where.partition}:iam::{where.account}:oidc-provider/{host}", context)]
    return None


# ---------------------------------------------------------------------------------------------
# S3
# ---------------------------------------------------------------------------------------------

# Operation -> IAM action where the name differs from the operation.
_S3_ACTIONS = {
    "HeadObject": "GetObject",
    "HeadBucket": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "ListMultipartUploads": "ListBucketMultipartUploads",
    "ListParts": "ListMultipartUploadParts",
    "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject",
    "UploadPartCopy": "PutObject",
    "CompleteMultipartUpload": "PutObject",
    "CopyObject": "PutObject",
    "DeleteObjects": "DeleteObject",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "PutLifecycleConfiguration",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetBucketCors": "GetBucketCORS",
    "PutBucketCors": "PutBucketCORS",
    "DeleteBucketCors": "PutBucketCORS",
    "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
    "PutObjectLockConfiguration": "PutBucketObjectLockConfiguration",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "GetBucketReplication": "GetReplicationConfiguration",
    "PutBucketReplication": "PutReplicationConfiguration",
    "DeleteBucketReplication": "PutReplicationConfiguration",
    "GetBucketAccelerateConfiguration": "GetAccelerateConfiguration",
    "PutBucketAccelerateConfiguration": "PutAccelerateConfiguration",
    "DeleteBucketOwnershipControls": "PutBucketOwnershipControls",
    "DeleteBucketTagging": "PutBucketTagging",
    "DeleteBucketWebsite": "DeleteBucketWebsite",
    "DeleteObjectTagging": "DeleteObjectTagging",
    "ListBuckets": "ListAllMyBuckets",
    "GetBucketLocation": "GetBucketLocation",
}
_S3_VERSIONED = {
    "GetObject": "GetObjectVersion",
    "HeadObject": "GetObjectVersion",
    "DeleteObject": "DeleteObjectVersion",
    "GetObjectTagging": "GetObjectVersionTagging",
    "PutObjectTagging": "PutObjectVersionTagging",
    "GetObjectAcl": "GetObjectVersionAcl",
    "PutObjectAcl": "PutObjectVersionAcl",
}


def _s3_object_arn(where: Where, bucket: str, key: str) -> str:
    return f"arn:{where.partition}:s3:::{bucket}/{key}"


def _s3_kms_checks(call: Call, where: Where, action: str) -> list[Check]:
    """The KMS call S3 makes with the caller's permissions for an SSE-KMS object."""
    from orchestrator.emulator.authorization.resource_policies import object_kms_key, resolve_kms_key  # noqa: PLC0415

    via = {"kms:ViaService": f"s3.{call.region}.amazonaws.com", "kms:CallerAccount": where.account}
    params = call.params
    if action == "PutObject" and params.get("ServerSideEncryption") == "aws:kms":
        key = resolve_kms_key(where, call.region, params.get("SSEKMSKeyId")) or _bucket_default_key(where, call, params)
        return [Check("kms:GenerateDataKey", key, via)] if key else []
    if action in ("PutObject",) and "ServerSideEncryption" not in params:
        key = _bucket_default_key(where, call, params)
        return [Check("kms:GenerateDataKey", key, via)] if key else []
    if action in ("GetObject", "GetObjectVersion") and call.operation == "GetObject":
        key = object_kms_key(str(params.get("Bucket", "")), str(params.get("Key", "")), params.get("VersionId"))
        return [Check("kms:Decrypt", key, via)] if key else []
    return []


def _bucket_default_key(where: Where, call: Call, params: dict[str, Any]) -> str | None:
    from orchestrator.emulator.authorization.resource_policies import bucket_default_kms_key  # noqa: PLC0415

    return bucket_default_kms_key(str(params.get("Bucket", "")), call.region)


def s3(call: Call, where: Where) -> list[Check] | None:
    params, operation = call.params, call.operation
    if operation in ("CreateSession",):
        return None
    action = _S3_ACTIONS.get(operation, operation)
    if params.get("VersionId") and operation in _S3_VERSIONED:
        action = _S3_VERSIONED[operation]
    bucket = params.get("Bucket")
    context: Context = {}
    for header, key in (
        ("ServerSideEncryption", "s3:x-amz-server-side-encryption"),
        ("SSEKMSKeyId", "s3:x-amz-server-side-encryption-aws-kms-key-id"),
    ):
        if params.get(header) is not None and action == "PutObject":
            context[key] = params[header]
    if operation in ("ListObjects", "ListObjectsV2", "ListObjectVersions"):
        context["s3:prefix"] = params.get("Prefix", "")
        if params.get("Delimiter") is not None:
            context["s3:delimiter"] = params["Delimiter"]
    if operation == "ListBuckets":
        return [Check("s3:ListAllMyBuckets", "*")]
    if bucket is None:
        return None
    if operation == "DeleteObjects":
        objects = (params.get("Delete") or {}).get("Objects") or []
        return [
            Check(
                "s3:DeleteObjectVersion" if o.get("VersionId") else "s3:DeleteObject",
                _s3_object_arn(where, bucket, str(o.get("Key", ""))),
            )
            for o in objects
        ]
    if "Key" in params:
        checks = [Check(f"s3:{action}", _s3_object_arn(where, bucket, str(params["Key"])), context)]
        if operation == "CopyObject":
            source = str(params.get("CopySource", "")).lstrip("/")
            source_bucket, _, source_key = source.partition("/")
            checks.append(
                Check("s3:GetObject", _s3_object_arn(where, source_bucket, source_key.split("?versionId=")[0]))
            )
        if params.get("Tagging") and action == "PutObject":
            checks.append(Check("s3:PutObjectTagging", checks[0].resource))
        return checks + _s3_kms_checks(call, where, action)
    return [Check(f"s3:{action}", f"arn:{where.partition}:s3:::{bucket}", context)]


# S3 Control: the account's Block Public Access settings (an account-level resource: `*`).
_S3_CONTROL_ACTIONS = {
    "GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
    "PutPublicAccessBlock": "s3:PutAccountPublicAccessBlock",
    "DeletePublicAccessBlock": "s3:PutAccountPublicAccessBlock",
}


def s3control(call: Call, where: Where) -> list[Check] | None:
    """The account-level public access block; S3 Control's other operations have no rule yet."""
    action = _S3_CONTROL_ACTIONS.get(call.operation)
    return [Check(action, "*")] if action is not None else None


# ---------------------------------------------------------------------------------------------
# KMS
# ---------------------------------------------------------------------------------------------


def kms(call: Call, where: Where) -> list[Check] | None:
    from orchestrator.emulator.authorization.resource_policies import resolve_kms_key  # noqa: PLC0415

    params, operation = call.params, call.operation
    action = f"kms:{operation}"
    context: Context = {"kms:CallerAccount": where.account}
    if params.get("BypassPolicyLockoutSafetyCheck") is not None:
        context["kms:BypassPolicyLockoutSafetyCheck"] = str(bool(params["BypassPolicyLockoutSafetyCheck"])).lower()
    if operation in ("CreateKey", "ListKeys", "GenerateRandom", "DescribeCustomKeyStores") or (
        operation == "ListAliases" and not params.get("KeyId")
    ):
        return [Check(action, "*", context | _tags_context(params.get("Tags")))]
    if operation == "CreateGrant":
        context["kms:GrantIsForAWSResource"] = "false"
        if params.get("GranteePrincipal"):
            context["kms:GranteePrincipal"] = params["GranteePrincipal"]
    if operation in ("CreateAlias", "UpdateAlias", "DeleteAlias"):
        alias = f"arn:{where.partition}:kms:{call.region}:{where.account}:{params.get('AliasName', '')}"
        checks = [Check(action, alias, context)]
        key = resolve_kms_key(where, call.region, params.get("TargetKeyId") or params.get("AliasName"))
        if key:
            checks.append(Check(action, key, context))
        return checks
    key_id = params.get("KeyId") or params.get("DestinationKeyId")
    if key_id is None:
        return None
    key = resolve_kms_key(where, call.region, key_id)
    if key is None:
        return []  # an unknown key: the service answers NotFound, as KMS does before authorization
    if operation == "ReEncrypt":
        return [Check("kms:ReEncryptFrom", key, context), Check("kms:ReEncryptTo", key, context)]
    return [Check(action, key, context | _tags_context(params.get("Tags")))]


# ---------------------------------------------------------------------------------------------
# SageMaker (API and runtime)
# ---------------------------------------------------------------------------------------------

# Parameter naming the resource an operation acts on -> resource type in the ARN, in priority order.
_SAGEMAKER_RESOURCES = (
    ("EndpointName", "endpoint"),
    ("EndpointConfigName", "endpoint-config"),
    ("ModelName", "model"),
    ("ModelPackageGroupName", "model-package-group"),
    ("TrainingJobName", "training-job"),
    ("ProcessingJobName", "processing-job"),
    ("TransformJobName", "transform-job"),
    ("HyperParameterTuningJobName", "hyper-parameter-tuning-job"),
    ("AutoMLJobName", "automl-job"),
    ("PipelineName", "pipeline"),
    ("ProjectName", "project"),
    ("StudioLifecycleConfigName", "studio-lifecycle-config"),
    ("NotebookInstanceName", "notebook-instance"),
    ("NotebookInstanceLifecycleConfigName", "notebook-instance-lifecycle-config"),
    ("ExperimentName", "experiment"),
    ("TrialName", "experiment-trial"),
    ("TrialComponentName", "experiment-trial-component"),
    ("FeatureGroupName", "feature-group"),
    ("MonitoringScheduleName", "monitoring-schedule"),
    ("JobDefinitionName", "data-quality-job-definition"),
    ("ImageName", "image"),
    ("AppImageConfigName", "app-image-config"),
    ("CodeRepositoryName", "code-repository"),
    ("ModelCardName", "model-card"),
)
_SAGEMAKER_STAR = re.compile(
    r"^(List|Search|GetSearchSuggestions|QueryLineage|GetScalingConfigurationRecommendation"
    r"|(Enable|Disable|Get)SagemakerServicecatalogPortfolio)"
)
# Lists scoped to a pipeline (PipelineName) or an execution (PipelineExecutionArn), as the
# service authorization reference has them.
_SAGEMAKER_PIPELINE_LISTS = (
    "ListPipelineExecutions",
    "ListPipelineExecutionSteps",
    "ListPipelineParametersForExecution",
)
_VOLUME_KEY_PATHS = (
    ("ResourceConfig", "VolumeKmsKeyId"),
    ("ProcessingResources", "ClusterConfig", "VolumeKmsKeyId"),
    ("TransformResources", "VolumeKmsKeyId"),
    ("JobResources", "ClusterConfig", "VolumeKmsKeyId"),  # monitoring job definitions
    ("KmsKeyId",),
)
_OUTPUT_KEY_PATHS = (
    ("OutputDataConfig", "KmsKeyId"),
    ("ProcessingOutputConfig", "KmsKeyId"),
    ("TransformOutput", "KmsKeyId"),
    ("DataQualityJobOutputConfig", "KmsKeyId"),
)


def _dig(params: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = params
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _first(params: dict[str, Any], paths: tuple[tuple[str, ...], ...]) -> Any:
    return next((v for v in (_dig(params, p) for p in paths) if v is not None), None)


def _instance_types(node: Any) -> list[str]:
    """Every instance type a request names, in order, each once: sagemaker:InstanceTypes.

    As AWS fills the multivalued key: all of a request's `InstanceType` members, wherever they are
    (ResourceConfig and each of its InstanceGroups, a processing or transform cluster, each production
    and shadow variant, a Studio app's ResourceSpec, a tuning job's definitions, a notebook instance)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found += [value] if key == "InstanceType" and isinstance(value, str) else _instance_types(value)
    elif isinstance(node, list):
        for item in node:
            found += _instance_types(item)
    return list(dict.fromkeys(found))


def _sagemaker_context(call: Call) -> Context:
    """The sagemaker:* condition keys of a request (present only when the request sets them)."""
    params = call.params
    context: Context = _tags_context(params.get("Tags"))
    vpc = params.get("VpcConfig") or (params.get("NetworkConfig") or {}).get("VpcConfig")
    if isinstance(vpc, dict):
        if vpc.get("Subnets"):
            context["sagemaker:VpcSubnets"] = list(vpc["Subnets"])
        if vpc.get("SecurityGroupIds"):
            context["sagemaker:VpcSecurityGroupIds"] = list(vpc["SecurityGroupIds"])
    if call.operation in ("CreateDomain", "UpdateDomain"):
        if params.get("SubnetIds"):
            context["sagemaker:VpcSubnets"] = list(params["SubnetIds"])
        if params.get("AppNetworkAccessType"):
            context["sagemaker:AppNetworkAccessType"] = params["AppNetworkAccessType"]
        if params.get("KmsKeyId"):
            context["sagemaker:HomeEfsFileSystemKmsKey"] = params["KmsKeyId"]
        groups = _dig(params, ("DefaultUserSettings", "SecurityGroups"))
        if groups:
            context["sagemaker:VpcSecurityGroupIds"] = list(groups)
    elif call.operation == "CreateEndpointConfig":
        if params.get("KmsKeyId"):
            context["sagemaker:VolumeKmsKeyArn"] = params["KmsKeyId"]  # the only volume key it carries
    elif call.operation != "CreateNotebookInstance":
        volume = _first(params, _VOLUME_KEY_PATHS)
        if volume:
            context["sagemaker:VolumeKmsKey"] = context["sagemaker:VolumeKmsKeyArn"] = volume
    if call.operation == "CreateNotebookInstance":
        if params.get("KmsKeyId"):
            context["sagemaker:VolumeKmsKey"] = context["sagemaker:VolumeKmsKeyArn"] = params["KmsKeyId"]
        if params.get("SubnetId"):
            context["sagemaker:VpcSubnets"] = [params["SubnetId"]]
        if params.get("SecurityGroupIds"):
            context["sagemaker:VpcSecurityGroupIds"] = list(params["SecurityGroupIds"])
        for parameter, key in (
            ("DirectInternetAccess", "sagemaker:DirectInternetAccess"),
            ("RootAccess", "sagemaker:RootAccess"),
        ):
            if params.get(parameter):
                context[key] = params[parameter]
    output = _first(params, _OUTPUT_KEY_PATHS)
    if output:
        context["sagemaker:OutputKmsKey"] = context["sagemaker:OutputKmsKeyArn"] = output
    encryption = params.get("EnableInterContainerTrafficEncryption")
    if encryption is None:
        encryption = _dig(params, ("NetworkConfig", "EnableInterContainerTrafficEncryption"))
    if encryption is not None:
        context["sagemaker:InterContainerTrafficEncryption"] = str(bool(encryption)).lower()
    isolation = params.get("EnableNetworkIsolation")
    if isolation is None:
        isolation = _dig(params, ("NetworkConfig", "EnableNetworkIsolation"))
    if isolation is not None:
        context["sagemaker:NetworkIsolation"] = str(bool(isolation)).lower()
    instance_types = _instance_types(params)
    if instance_types:
        context["sagemaker:InstanceTypes"] = instance_types
    if params.get("ModelApprovalStatus"):
        context["sagemaker:ModelApprovalStatus"] = params["ModelApprovalStatus"]
    return context


def _sagemaker_resource(call: Call, where: Where) -> str | None:
    params = call.params
    region = call.region
    if call.operation in ("AddTags", "DeleteTags", "ListTags"):
        return str(params.get("ResourceArn", ""))
    if call.operation == "CreateTransformJob":
        # It names a model too, but acts on the job (the model is its sagemaker:ModelArn).
        return _arn(where, "sagemaker", region, f"transform-job/{str(params.get('TransformJobName', '')).lower()}")
    if "ModelPackageName" in params or "ModelPackageArn" in params:
        name = str(params.get("ModelPackageName") or params.get("ModelPackageArn"))
        return name if name.startswith("arn:") else _arn(where, "sagemaker", region, f"model-package/{name.lower()}")
    if "PipelineExecutionArn" in params:
        return str(params["PipelineExecutionArn"])
    if "DomainId" in params:
        domain = str(params["DomainId"])
        if "AppType" in params and "AppName" in params:
            # An app of a user profile or of a space: app/<domain>/<profile or space>/<type>/<name>.
            owner = str(params.get("UserProfileName") or params.get("SpaceName") or "")
            app = f"app/{domain}/{owner.lower()}/{str(params['AppType']).lower()}/{str(params['AppName']).lower()}"
            return _arn(where, "sagemaker", region, app)
        if "UserProfileName" in params:
            return _arn(where, "sagemaker", region, f"user-profile/{domain}/{str(params['UserProfileName']).lower()}")
        if "SpaceName" in params:
            return _arn(where, "sagemaker", region, f"space/{domain}/{str(params['SpaceName']).lower()}")
        return _arn(where, "sagemaker", region, f"domain/{domain}")
    if call.operation == "CreateDomain":
        return _arn(where, "sagemaker", region, "domain/*")
    for parameter, kind in _SAGEMAKER_RESOURCES:
        value = params.get(parameter)
        if isinstance(value, str):
            if value.startswith("arn:"):
                return value
            return _arn(where, "sagemaker", region, f"{kind}/{value.lower()}")
    return None


def sagemaker(call: Call, where: Where) -> list[Check] | None:
    action = f"sagemaker:{call.operation}"
    if call.service == "sagemaker-runtime":
        name = call.params.get("EndpointName")
        return [Check(action, _arn(where, "sagemaker", call.region, f"endpoint/{str(name).lower()}"))] if name else None
    if _SAGEMAKER_STAR.match(call.operation) and call.operation not in (
        "ListTags",
        "ListModelPackages",
        *_SAGEMAKER_PIPELINE_LISTS,
    ):
        return [Check(action, "*")]
    if call.operation == "ListModelPackages":
        group = call.params.get("ModelPackageGroupName")
        if isinstance(group, str):
            group_arn = (
                group
                if group.startswith("arn:")
                else _arn(where, "sagemaker", call.region, f"model-package-group/{group.lower()}")
            )
            return [Check(action, group_arn)]
        return [Check(action, "*")]
    resource = _sagemaker_resource(call, where)
    if resource is None:
        return None
    context = _sagemaker_context(call)
    if call.operation == "CreateTransformJob" and isinstance(call.params.get("ModelName"), str):
        context["sagemaker:ModelArn"] = _arn(
            where, "sagemaker", call.region, f"model/{call.params['ModelName'].lower()}"
        )
    checks = [Check(action, resource, context)]
    if call.operation in ("CreateEndpoint", "UpdateEndpoint") and call.params.get("EndpointConfigName"):
        checks.append(
            Check(
                action,
                _arn(
                    where, "sagemaker", call.region, f"endpoint-config/{str(call.params['EndpointConfigName']).lower()}"
                ),
                context,
            )
        )
    if "Tags" in call.params and call.operation.startswith("Create") and call.params["Tags"]:
        checks.append(Check("sagemaker:AddTags", resource, context | {"sagemaker:TaggingAction": call.operation}))
    for parameter in ("RoleArn", "ExecutionRoleArn"):
        checks += _pass_role(call.params.get(parameter), "sagemaker.amazonaws.com")
    checks += _pass_role(_dig(call.params, ("DefaultUserSettings", "ExecutionRole")), "sagemaker.amazonaws.com")
    checks += _pass_role(_dig(call.params, ("UserSettings", "ExecutionRole")), "sagemaker.amazonaws.com")
    checks += _pass_role(
        _dig(call.params, ("MonitoringScheduleConfig", "MonitoringJobDefinition", "RoleArn")), "sagemaker.amazonaws.com"
    )
    # A project's template provider hands its RoleARN to CloudFormation, which creates the stack as
    # that role: passing it is the caller's iam:PassRole, as CreateStack's RoleARN is.
    for provider in call.params.get("TemplateProviders") or []:
        checks += _pass_role(_dig(provider, ("CfnTemplateProvider", "RoleARN")), "cloudformation.amazonaws.com")
    return checks


# ---------------------------------------------------------------------------------------------
# Smaller services
# ---------------------------------------------------------------------------------------------


def ssm(call: Call, where: Where) -> list[Check] | None:
    params, action = call.params, f"ssm:{call.operation}"

    def parameter(name: str) -> str:
        name = name if name.startswith("/") else f"/{name}"
        return _arn(where, "ssm", call.region, f"parameter{name}")

    if call.operation in ("DescribeParameters",):
        return [Check(action, "*")]
    if "Names" in params:
        return [Check(action, parameter(str(n))) for n in params["Names"]]
    if "Name" in params:
        return [Check(action, parameter(str(params["Name"])), _tags_context(params.get("Tags")))]
    if "Path" in params:
        return [Check(action, parameter(str(params["Path"]).rstrip("/") or "/"))]
    if (
        call.operation in ("AddTagsToResource", "RemoveTagsFromResource", "ListTagsForResource")
        and params.get("ResourceType") == "Parameter"
    ):
        return [Check(action, parameter(str(params.get("ResourceId", ""))))]
    return None


def dynamodb(call: Call, where: Where) -> list[Check] | None:
    params, action = call.params, f"dynamodb:{call.operation}"
    if call.operation in ("ListTables", "DescribeLimits", "DescribeEndpoints"):
        return [Check(action, "*")]
    if "TableName" in params:
        return [Check(action, _arn(where, "dynamodb", call.region, f"table/{params['TableName']}"))]
    if "ResourceArn" in params:
        return [Check(action, str(params["ResourceArn"]))]
    return None


def events(call: Call, where: Where) -> list[Check] | None:
    params, operation, action = call.params, call.operation, f"events:{call.operation}"
    if operation.startswith("List") and not any(k in params for k in ("Rule", "ResourceARN")):
        return [Check(action, "*")]
    if "ApiDestination" in operation:
        if "Name" not in params:
            return None
        return [Check(action, _arn(where, "events", call.region, f"api-destination/{params['Name']}"))]
    if "Connection" in operation and "Name" in params:
        return [Check(action, _arn(where, "events", call.region, f"connection/{params['Name']}"))]
    if "ResourceARN" in params:
        return [Check(action, str(params["ResourceARN"]))]
    rule = params.get("Rule") or (params.get("Name") if "Rule" in operation else None)
    if rule is not None:
        bus = params.get("EventBusName") or "default"
        resource = f"rule/{rule}" if bus == "default" else f"rule/{bus}/{rule}"
        checks = [Check(action, _arn(where, "events", call.region, resource), _tags_context(params.get("Tags")))]
        checks += _pass_role(params.get("RoleArn"), "events.amazonaws.com")
        for target in params.get("Targets") or []:
            checks += _pass_role(target.get("RoleArn"), "events.amazonaws.com")
        return checks
    if "EventBus" in operation or operation in ("PutEvents", "PutPermission", "RemovePermission"):
        bus = params.get("Name") or params.get("EventBusName") or "default"
        if operation == "PutEvents":
            buses = {e.get("EventBusName") or "default" for e in params.get("Entries") or []} or {"default"}
            return [
                Check(action, b if str(b).startswith("arn:") else _arn(where, "events", call.region, f"event-bus/{b}"))
                for b in sorted(buses)
            ]
        return [
            Check(
                action, bus if str(bus).startswith("arn:") else _arn(where, "events", call.region, f"event-bus/{bus}")
            )
        ]
    return None


def scheduler(call: Call, where: Where) -> list[Check] | None:
    """EventBridge Scheduler: schedules (schedule/<group>/<name>, the default group when none is
    named) and schedule groups; a schedule's target role is passed to scheduler.amazonaws.com."""
    params, operation, action = call.params, call.operation, f"scheduler:{call.operation}"
    if operation in ("ListSchedules", "ListScheduleGroups"):
        return [Check(action, "*")]
    if "ResourceArn" in params:
        return [Check(action, str(params["ResourceArn"]))]
    name = params.get("Name")
    if not isinstance(name, str):
        return None
    if "ScheduleGroup" in operation:
        return [
            Check(
                action,
                _arn(where, "scheduler", call.region, f"schedule-group/{name}"),
                _tags_context(params.get("Tags")),
            )
        ]
    group = params.get("GroupName") or "default"
    checks = [Check(action, _arn(where, "scheduler", call.region, f"schedule/{group}/{name}"))]
    return checks + _pass_role((params.get("Target") or {}).get("RoleArn"), "scheduler.amazonaws.com")


def sqs(call: Call, where: Where) -> list[Check] | None:
    params, action = call.params, f"sqs:{call.operation}"
    if call.operation == "ListQueues":
        return [Check(action, "*")]
    url = params.get("QueueUrl")
    name = str(url).rstrip("/").rsplit("/", 1)[-1] if url else params.get("QueueName")
    if not name:
        return None
    account = str(url).rstrip("/").rsplit("/", 2)[-2] if url and re.search(r"/\d{12}/", str(url)) else where.account
    return [
        Check(
            action,
            _arn(where, "sqs", call.region, str(name), account),
            _tags_context(params.get("tags") or params.get("Tags")),
        )
    ]


def sns(call: Call, where: Where) -> list[Check] | None:
    params, action = call.params, f"sns:{call.operation}"
    if call.operation in ("ListTopics", "ListSubscriptions"):
        return [Check(action, "*")]
    if "TopicArn" in params:
        return [Check(action, str(params["TopicArn"]))]
    if "ResourceArn" in params:
        return [Check(action, str(params["ResourceArn"]))]
    if call.operation == "CreateTopic":
        return [
            Check(
                action, _arn(where, "sns", call.region, str(params.get("Name", ""))), _tags_context(params.get("Tags"))
            )
        ]
    return None


def logs(call: Call, where: Where) -> list[Check] | None:
    params, action = call.params, f"logs:{call.operation}"
    group = params.get("logGroupName")
    if group:
        stream = params.get("logStreamName")
        resource = f"log-group:{group}:log-stream:{stream}" if stream else f"log-group:{group}:*"
        return [Check(action, _arn(where, "logs", call.region, resource), _tags_context(params.get("tags")))]
    if call.operation in ("DescribeLogGroups", "DescribeResourcePolicies", "DescribeQueries", "DescribeDestinations"):
        return [Check(action, "*")]
    if "resourceArn" in params:
        return [Check(action, str(params["resourceArn"]))]
    return None


def secretsmanager(call: Call, where: Where) -> list[Check] | None:
    from orchestrator.emulator.authorization.resource_policies import secret_arn  # noqa: PLC0415

    params, action = call.params, f"secretsmanager:{call.operation}"
    if call.operation in ("ListSecrets", "GetRandomPassword", "BatchGetSecretValue"):
        return [Check(action, "*")]
    if "SecretId" in params:
        return [Check(action, secret_arn(where.account, call.region, str(params["SecretId"])))]
    if call.operation == "CreateSecret":
        return [
            Check(
                action,
                _arn(where, "secretsmanager", call.region, f"secret:{params.get('Name', '')}-??????"),
                _tags_context(params.get("Tags")),
            )
        ]
    return None


def ecr(call: Call, where: Where) -> list[Check] | None:
    params, action = call.params, f"ecr:{call.operation}"
    if call.operation in ("GetAuthorizationToken", "DescribeRegistry", "GetRegistryPolicy"):
        return [Check(action, "*")]
    if "repositoryName" in params:
        account = params.get("registryId") or where.account
        return [Check(action, _arn(where, "ecr", call.region, f"repository/{params['repositoryName']}", str(account)))]
    if call.operation == "DescribeRepositories":
        return [Check(action, "*")]
    return None


# EC2 ids by prefix -> resource type in the ARN (arn:<partition>:ec2:<region>:<account>:<type>/<id>).
_EC2_ID_TYPES = {
    "vpc": "vpc",
    "subnet": "subnet",
    "sg": "security-group",
    "sgr": "security-group-rule",
    "rtb": "route-table",
    "rtbassoc": "route-table",
    "vpce": "vpc-endpoint",
    "igw": "internet-gateway",
    "nat": "natgateway",
    "eipalloc": "elastic-ip",
    "eipassoc": "elastic-ip",
    "fl": "vpc-flow-log",
    "acl": "network-acl",
    "eni": "network-interface",
    "pl": "prefix-list",
    "dopt": "dhcp-options",
}
_EC2_ID = re.compile(r"^([a-z]+)-[0-9a-f]{8,17}$")
# Create calls: the type of what they create (its id does not exist yet: `<type>/*`).
_EC2_CREATES = {
    "CreateVpc": "vpc",
    "CreateSubnet": "subnet",
    "CreateSecurityGroup": "security-group",
    "CreateRouteTable": "route-table",
    "CreateVpcEndpoint": "vpc-endpoint",
    "CreateInternetGateway": "internet-gateway",
    "CreateNatGateway": "natgateway",
    "AllocateAddress": "elastic-ip",
    "CreateFlowLogs": "vpc-flow-log",
    "CreateNetworkAcl": "network-acl",
}


def _ec2_ids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if _EC2_ID.match(value) else []
    if isinstance(value, list):
        return [found for item in value for found in _ec2_ids(item)]
    if isinstance(value, dict):
        return [found for item in value.values() for found in _ec2_ids(item)]
    return []


def _ec2_tags(params: dict[str, Any]) -> Context:
    tags = [
        tag
        for spec in params.get("TagSpecifications") or []
        if isinstance(spec, dict)
        for tag in spec.get("Tags") or []
    ]
    return _tags_context(tags or params.get("Tags"))


def ec2(call: Call, where: Where) -> list[Check] | None:
    """Reads on `*`; a write on each resource it names by id (and the type it creates, `<type>/*`),
    with the tags it sends. EC2's own per-action resource lists are longer (a subnet's creation is
    also decided on its VPC); the ids in the request stand for them."""
    action = f"ec2:{call.operation}"
    if call.operation.startswith(("Describe", "Get")):
        return [Check(action, "*")]
    context = _ec2_tags(call.params)
    resources = []
    if call.operation in _EC2_CREATES:
        resources.append(_arn(where, "ec2", call.region, f"{_EC2_CREATES[call.operation]}/*"))
    for found in dict.fromkeys(_ec2_ids(call.params)):
        kind = _EC2_ID_TYPES.get(_EC2_ID.match(found).group(1))  # type: ignore[union-attr]
        if kind is not None:
            resources.append(_arn(where, "ec2", call.region, f"{kind}/{found}"))
    checks = [Check(action, resource, context) for resource in resources or ["*"]]
    return checks + _pass_role(call.params.get("DeliverLogsPermissionArn"), "vpc-flow-logs.amazonaws.com")


def servicecatalog(call: Call, where: Where) -> list[Check] | None:
    """Products and portfolios by id (`arn:<partition>:catalog:<region>:<account>:product/<id>`);
    calls that name neither (searches, constraints by id, provisioned products) on `*`."""
    params, action = call.params, f"servicecatalog:{call.operation}"
    checks = []
    # Calls on one product or portfolio name it `Id` (DeleteProduct, UpdatePortfolio, DescribeProductAsAdmin, ...).
    if params.get("Id") and not (params.get("ProductId") or params.get("PortfolioId")):
        kind = "portfolio" if "Portfolio" in call.operation else "product" if "Product" in call.operation else None
        if kind is not None:
            return [Check(action, _arn(where, "catalog", call.region, f"{kind}/{params['Id']}"))]
    if params.get("ProductId"):
        checks.append(Check(action, _arn(where, "catalog", call.region, f"product/{params['ProductId']}")))
    if params.get("PortfolioId"):
        checks.append(Check(action, _arn(where, "catalog", call.region, f"portfolio/{params['PortfolioId']}")))
    return checks or [Check(action, "*", _tags_context(params.get("Tags")))]


def cloudwatch(call: Call, where: Where) -> list[Check] | None:
    """Alarms by name (`arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`), with the tags
    PutMetricAlarm sends; metric data and the reads on `*` (no resource-level permissions)."""
    params, action = call.params, f"cloudwatch:{call.operation}"
    names = params.get("AlarmNames") or ([params["AlarmName"]] if params.get("AlarmName") else [])
    if names:
        context = _tags_context(params.get("Tags"))
        return [Check(action, _arn(where, "cloudwatch", call.region, f"alarm:{name}"), context) for name in names]
    if call.operation == "PutMetricData" or call.operation.startswith(("List", "Describe", "Get")):
        return [Check(action, "*", {"cloudwatch:namespace": params["Namespace"]} if params.get("Namespace") else {})]
    return None


def application_autoscaling(call: Call, where: Where) -> list[Check] | None:
    """Application Auto Scaling: scalable targets carry a random id in their ARN and no condition key
    names the scaled resource; every action is decided on `*`."""
    return [Check(f"application-autoscaling:{call.operation}", "*")]


def read_only_star(prefix: str) -> Rule:
    """A service whose reads take no resource-level permission: List/Describe/Get decided on `*`."""

    def rule(call: Call, where: Where) -> list[Check] | None:
        if call.operation.startswith(("List", "Describe", "Get", "Search", "Scan")):
            return [Check(f"{prefix}:{call.operation}", "*")]
        return None

    return rule


def organizations(call: Call, where: Where) -> list[Check] | None:
    """Every call, reads and writes alike, decided on "*" (writes were served unevaluated). AWS
    narrows some actions to the root, OU or account ARNs: "*" is never more permissive than that."""
    return [Check(f"organizations:{call.operation}", "*")]


def _trail_arn(call: Call, where: Where, name: Any) -> str:
    return str(name) if str(name).startswith("arn:") else _arn(where, "cloudtrail", call.region, f"trail/{name}")


def cloudtrail(call: Call, where: Where) -> list[Check] | None:
    """LookupEvents and the listings: no resource-level permissions (the event history is the
    account's); a trail's own calls on the trail (its name or ARN), tags on the resource named."""
    params, action = call.params, f"cloudtrail:{call.operation}"
    if call.operation in ("LookupEvents", "DescribeTrails", "ListTrails", "ListPublicKeys"):
        return [Check(action, "*")]
    if call.operation in ("AddTags", "RemoveTags", "ListTags"):
        resources = params.get("ResourceIdList") or [params.get("ResourceId")]
        return [Check(action, str(r), _tags_context(params.get("TagsList"))) for r in resources if r]
    name = params.get("Name") or params.get("TrailName")
    if name:
        return [Check(action, _trail_arn(call, where, name), _tags_context(params.get("TagsList")))]
    return read_only_star("cloudtrail")(call, where)


def config(call: Call, where: Where) -> list[Check] | None:
    """AWS Config: the recorder, delivery channel and rules calls are decided on "*" (rules' ARNs
    carry a generated id the caller does not name); a recorder's role is passed to Config."""
    params = call.params
    checks = [
        Check(f"config:{call.operation}", str(params.get("ResourceArn") or "*"), _tags_context(params.get("Tags")))
    ]
    recorder = params.get("ConfigurationRecorder") or {}
    return checks + _pass_role(recorder.get("roleARN"), "config.amazonaws.com")


def guardduty(call: Call, where: Where) -> list[Check] | None:
    """GuardDuty: a detector's calls on detector/<id>; creating and listing on "*"."""
    params = call.params
    action = f"guardduty:{call.operation}"
    detector = params.get("DetectorId") or params.get("detectorId")
    if call.operation in ("TagResource", "UntagResource", "ListTagsForResource"):
        return [
            Check(
                action, str(params.get("ResourceArn") or params.get("resourceArn")), _tags_context(params.get("Tags"))
            )
        ]
    if detector:
        return [Check(action, _arn(where, "guardduty", call.region, f"detector/{detector}"))]
    return [Check(action, "*", _tags_context(params.get("Tags") or params.get("tags")))]


def securityhub(call: Call, where: Where) -> list[Check] | None:
    """Security Hub: the account's hub (hub/default) for enabling, configuring, describing and the
    standards subscriptions; other calls on "*"."""
    hub = _arn(where, "securityhub", call.region, "hub/default")
    on_hub: tuple[str, ...] = (
        "EnableSecurityHub",
        "DisableSecurityHub",
        "DescribeHub",
        "UpdateSecurityHubConfiguration",
    )
    on_hub += ("BatchEnableStandards", "BatchDisableStandards", "GetEnabledStandards")
    resource = hub if call.operation in on_hub else "*"
    return [Check(f"securityhub:{call.operation}", resource, _tags_context(call.params.get("Tags")))]


# ---------------------------------------------------------------------------------------------
# CodeArtifact (extensions/codeartifact; the repositories' own endpoints are decided there)
# ---------------------------------------------------------------------------------------------

_CODEARTIFACT_UNSCOPED = frozenset({"ListDomains", "ListRepositories"})
_CODEARTIFACT_DOMAIN = frozenset(
    {
        "CreateDomain", "DescribeDomain", "DeleteDomain", "GetAuthorizationToken", "ListRepositoriesInDomain",
        "PutDomainPermissionsPolicy", "GetDomainPermissionsPolicy", "DeleteDomainPermissionsPolicy",
    }
)  # fmt: skip
_CODEARTIFACT_PACKAGE = re.compile(r"^(Publish|Describe|Delete|Dispose|Update|Copy|List|Get)Package")
_CODEARTIFACT_TAGS = frozenset({"ListTagsForResource", "TagResource", "UntagResource"})


def _codeartifact_resource(call: Call, where: Where) -> str:
    params = call.params
    owner = str(params.get("domainOwner") or where.account)
    domain, repository = params.get("domain", ""), params.get("repository", "")
    if call.operation in _CODEARTIFACT_DOMAIN:
        return _arn(where, "codeartifact", call.region, f"domain/{domain}", owner)
    if _CODEARTIFACT_PACKAGE.match(call.operation) and params.get("package"):
        path = f"{params.get('format', '')}/{params.get('namespace', '')}/{params['package']}"
        return _arn(where, "codeartifact", call.region, f"package/{domain}/{repository}/{path}", owner)
    return _arn(where, "codeartifact", call.region, f"repository/{domain}/{repository}", owner)


def codeartifact(call: Call, where: Where) -> list[Check] | None:
    """The domain, repository or package a call names (the service authorization reference's
    resource types). GetAuthorizationToken also needs sts:GetServiceBearerToken (sts:AWSServiceName);
    a domain created with a customer managed key needs the key's DescribeKey and CreateGrant, asked
    by CodeArtifact with the caller's permissions."""
    action = f"codeartifact:{call.operation}"
    if call.operation in _CODEARTIFACT_UNSCOPED:
        return [Check(action, "*")]
    if call.operation in _CODEARTIFACT_TAGS:
        return [Check(action, str(call.params.get("resourceArn", "")), _tags_context(call.params.get("tags")))]
    checks = [Check(action, _codeartifact_resource(call, where), _tags_context(call.params.get("tags")))]
    if call.operation == "GetAuthorizationToken":
        checks.append(Check("sts:GetServiceBearerToken", "*", {"sts:AWSServiceName": "codeartifact.amazonaws.com"}))
    key = call.params.get("encryptionKey")
    if call.operation == "CreateDomain" and isinstance(key, str) and key.startswith("arn:"):
        via = {"kms:ViaService": f"codeartifact.{call.region}.amazonaws.com"}
        checks.append(Check("kms:DescribeKey", key, via))
        checks.append(Check("kms:CreateGrant", key, via | {"kms:GrantIsForAWSResource": True}))
    return checks


RULES: dict[str, Rule] = {
    "sts": sts,
    "iam": iam,
    "s3": s3,
    "s3control": s3control,
    "kms": kms,
    "sagemaker": sagemaker,
    "sagemaker-runtime": sagemaker,
    "ssm": ssm,
    "dynamodb": dynamodb,
    "events": events,
    "scheduler": scheduler,
    "sqs": sqs,
    "sns": sns,
    "logs": logs,
    "secretsmanager": secretsmanager,
    "ecr": ecr,
    "ec2": ec2,
    "servicecatalog": servicecatalog,
    "cloudformation": read_only_star("cloudformation"),
    "organizations": organizations,
    "cloudwatch": cloudwatch,
    "application-autoscaling": application_autoscaling,
    "efs": read_only_star("elasticfilesystem"),
    "lambda": read_only_star("lambda"),
    "cloudtrail": cloudtrail,
    "config": config,
    "guardduty": guardduty,
    "securityhub": securityhub,
    "codeartifact": codeartifact,
}


def checks_for(call: Call, where: Where) -> list[Check] | None:
    """Every check IAM makes for the call; None when the emulator has no rule for it."""
    rule = RULES.get(call.service)
    return rule(call, where) if rule is not None else None
