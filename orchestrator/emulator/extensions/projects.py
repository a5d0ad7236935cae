"""SageMaker projects launched from CloudFormation templates in S3, as CloudFormation stacks.

Stock moto has no CreateProject, DescribeProject, ListProjects or DeleteProject. Here a project
with a `CfnTemplateProvider` (CreateProject `TemplateProviders`; the S3-based templates AWS
recommends over Service Catalog, https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-projects-templates-custom.html)
reads its template from the emulated S3 (`TemplateURL`, https form), and moto's CloudFormation
backend runs it as a stack with `SageMakerProjectName`, `SageMakerProjectId` and the given
`Parameters`. The stack acts as the provider's `RoleARN` ("the IAM role that CloudFormation
assumes when creating the stack", API_CfnCreateTemplateProvider): before each resource is
created, the calls CloudFormation makes for it are decided for that role by the evaluator the
emulator's middleware uses (orchestrator.emulator.authorization.middleware.decide), through
CloudFormation (`aws:CalledVia`). A refusal stops the stack, deletes what it created (except
resources with `DeletionPolicy: Retain`, which CloudFormation keeps even when a create rolls back)
and leaves the project `CreateFailed` with the refusal as the stack's status message.

The CloudFormation gaps a project template needs are closed here as well: `{{resolve:ssm:...}}`
dynamic references (read as the launching role), `AWS::SageMaker::ModelPackageGroup` with its
`ModelPackageGroupPolicy`, `AWS::S3::BucketPolicy`, the bucket properties moto's
`AWS::S3::Bucket` ignores (versioning, public access block) and `DeletionPolicy:
RetainExceptOnCreate` (kept when the stack is deleted, deleted when its create rolls back).
Projects are kept on moto's SageMaker region backend, so the emulator's state file keeps them.
"""

from __future__ import annotations

import json
import random
import re
import string
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from orchestrator.emulator.authorization.actions import Check, Where, checks_for
from orchestrator.emulator.authorization.calls import Call

if TYPE_CHECKING:
    from moto.cloudformation.parsing import ResourceMap
    from moto.sagemaker.responses import SageMakerResponse

    from orchestrator.emulator.authorization.principals import Principal

CLOUDFORMATION = "cloudformation.amazonaws.com"
# CloudFormation calls the resource APIs for the stack: the requests carry the service in aws:CalledVia.
VIA_CLOUDFORMATION: dict[str, Any] = {
    "aws:CalledVia": [CLOUDFORMATION],
    "aws:CalledViaFirst": CLOUDFORMATION,
    "aws:CalledViaLast": CLOUDFORMATION,
}
SSM_REFERENCE = re.compile(r"\{\{resolve:ssm:(?P<name>[^:}]+)(?::(?P<version>\d+))?\}\}")
# The CreateProject ProjectName and CfnCreateTemplateProvider TemplateName patterns.
PROJECT_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")
RETAINED_ON_DELETE = ("Retain", "RetainExceptOnCreate")


class LaunchRefused(Exception):
    """A call of the stack that the launch role may not make (the refusal's message)."""


@dataclass
class Project:
    """A SageMaker project and the stack its template provider created."""

    name: str
    project_id: str
    arn: str
    description: str
    template_name: str
    template_url: str
    role_arn: str
    parameters: list[dict[str, str]]
    created_by: dict[str, Any]
    tags: list[dict[str, str]]
    status: str = "CreateInProgress"
    stack_name: str = ""
    stack_id: str = ""
    status_message: str = ""
    creation_time: datetime = field(default_factory=lambda: _now())

    def provider_detail(self) -> dict[str, Any]:
        stack = {"Name": self.stack_name, "Id": self.stack_id}
        if self.status_message:
            stack["StatusMessage"] = self.status_message
        detail = {
            "TemplateName": self.template_name,
            "TemplateURL": self.template_url,
            "Parameters": self.parameters,
            "StackDetail": stack,
        }
        if self.role_arn:
            detail["RoleARN"] = self.role_arn
        return {"CfnTemplateProviderDetail": detail}

    def summary(self) -> dict[str, Any]:
        return {
            "ProjectName": self.name,
            "ProjectDescription": self.description,
            "ProjectArn": self.arn,
            "ProjectId": self.project_id,
            "CreationTime": self.creation_time,
            "ProjectStatus": self.status,
        }

    def described(self) -> dict[str, Any]:
        return self.summary() | {"TemplateProviderDetails": [self.provider_detail()], "CreatedBy": self.created_by}


def _now() -> datetime:
    from moto.core.utils import utcnow  # noqa: PLC0415

    return utcnow()


def _validation(message: str) -> Exception:
    from moto.sagemaker.exceptions import ValidationError  # noqa: PLC0415

    return ValidationError(message=message)


def _projects(backend: Any) -> dict[str, Project]:
    """Projects by name, kept on the region backend (older state files read as none)."""
    return backend.__dict__.setdefault("projects", {})  # type: ignore[no-any-return]


def _project(backend: Any, name: str | None) -> Project:
    project = _projects(backend).get(str(name))
    if project is None:
        raise _validation(f"Project {name} does not exist.")
    return project


def _new_project_id() -> str:
    """Ids shaped like SageMaker's own: `p-` and 12 lower-case letters and digits."""
    return "p-" + "".join(random.choices(string.ascii_lowercase + string.digits, k=12))  # noqa: S311 - an id, not a secret


# --------------------------------------------------------------------------------------------
# Who launches: the template provider's role, as CloudFormation assumes it
# --------------------------------------------------------------------------------------------

_launch = threading.local()


def _launching() -> tuple[Principal, str] | None:
    """The role principal and region of the stack being created on this thread (None otherwise)."""
    return getattr(_launch, "current", None)


def _role_principal(account: str, role_arn: str, session: str) -> Principal:
    """The role as CloudFormation's session of it, with every policy IAM attaches to the role."""
    from moto.iam.models import iam_backends  # noqa: PLC0415

    from orchestrator.emulator.authorization.principals import Principal, role_policies  # noqa: PLC0415
    from orchestrator.policy.authorization import Caller  # noqa: PLC0415

    partition = role_arn.split(":")[1]
    role = next((r for r in iam_backends[account][partition].roles.values() if r.arn == role_arn), None)
    if role is None:
        raise LaunchRefused(f"Role {role_arn} does not exist: CloudFormation cannot assume it.")
    if not _trusts_cloudformation(role.assume_role_policy_document, account):
        raise LaunchRefused(f"Role {role_arn} does not trust {CLOUDFORMATION}: CloudFormation cannot assume it.")
    identity, boundary = role_policies(account, partition, role)
    session_arn = f"arn:{partition}:sts::{account}:assumed-role/{role.name}/{session}"
    caller = Caller(
        account=account, arn=role.arn, session_arn=session_arn, identity_policies=identity, boundary=boundary
    )
    return Principal(caller, administrator=False)


def _trusts_cloudformation(document: Any, account: str) -> bool:
    """Whether the trust policy lets CloudFormation of this account assume the role."""
    from orchestrator.policy.evaluator import Request, statement_applies  # noqa: PLC0415

    policy = json.loads(document) if isinstance(document, str) else document
    request = Request("sts:AssumeRole", "*", {"aws:SourceAccount": account})
    statements = policy.get("Statement") or []
    for statement in statements if isinstance(statements, list) else [statements]:
        services = (
            (statement.get("Principal") or {}).get("Service") if isinstance(statement.get("Principal"), dict) else None
        )
        named = CLOUDFORMATION in (services if isinstance(services, list) else [services])
        if statement.get("Effect") == "Allow" and named and statement_applies(statement, request):
            return True
    return False


def _authorize(principal: Principal, call: Call) -> None:
    """Decides `call` for the launch role as the middleware decides a signed request."""
    from orchestrator.emulator.authorization.denials import message  # noqa: PLC0415
    from orchestrator.emulator.authorization.middleware import _because, decide  # noqa: PLC0415

    checks = checks_for(call, Where(principal.caller.account, principal.caller.arn.split(":")[1]))
    if checks is None:
        raise LaunchRefused(f"The emulator cannot decide {call.service}:{call.operation} for a project's stack.")
    through_cloudformation = [Check(c.action, c.resource, {**c.context, **VIA_CLOUDFORMATION}) for c in checks]
    refusal, _ = decide(principal, call, through_cloudformation)
    if refusal is not None:
        raise LaunchRefused(
            message(
                principal.describe,
                refusal.check.action,
                refusal.check.resource,
                refusal.verdict.decision,
                _because(refusal.verdict),
            )
        )


def _calls_for(
    resource_type: str, name: str, properties: dict[str, Any], region: str
) -> list[tuple[str, str, dict[str, Any]]]:
    """(service, operation, parameters) of the API calls CloudFormation makes to create a resource."""
    if resource_type == "AWS::S3::Bucket":
        bucket = {"Bucket": name}
        optional = (
            ("BucketEncryption", "PutBucketEncryption"),
            ("VersioningConfiguration", "PutBucketVersioning"),
            ("PublicAccessBlockConfiguration", "PutPublicAccessBlock"),
            ("OwnershipControls", "PutBucketOwnershipControls"),
            ("LoggingConfiguration", "PutBucketLogging"),
            ("LifecycleConfiguration", "PutBucketLifecycleConfiguration"),
            ("Tags", "PutBucketTagging"),
        )
        return [("s3", "CreateBucket", bucket)] + [
            ("s3", operation, bucket) for key, operation in optional if key in properties
        ]
    if resource_type == "AWS::S3::BucketPolicy":
        return [("s3", "PutBucketPolicy", {"Bucket": properties.get("Bucket", "")})]
    if resource_type == "AWS::SageMaker::ModelPackageGroup":
        group = {"ModelPackageGroupName": name}
        calls: list[tuple[str, str, dict[str, Any]]] = [
            ("sagemaker", "CreateModelPackageGroup", group | {"Tags": properties.get("Tags") or []})
        ]
        if properties.get("ModelPackageGroupPolicy"):
            calls.append(("sagemaker", "PutModelPackageGroupPolicy", group))
        return calls
    if resource_type == "AWS::Events::Rule":
        bus = {"EventBusName": properties.get("EventBusName") or "default"}
        calls = [("events", "PutRule", {"Name": name, "Tags": properties.get("Tags") or []} | bus)]
        if properties.get("Targets"):
            calls.append(("events", "PutTargets", {"Rule": name, "Targets": properties["Targets"]} | bus))
        return calls
    if resource_type == "AWS::IAM::Role":
        return [("iam", "CreateRole", {"RoleName": name})]
    raise LaunchRefused(f"The emulator cannot launch a {resource_type} for a project (no rule decides its calls).")


def _authorize_resource(logical_id: str, resource_json: dict[str, Any], resources_map: ResourceMap) -> None:
    from moto.cloudformation.parsing import parse_resource_and_generate_name  # noqa: PLC0415

    launching = _launching()
    if launching is None or resource_json.get("Type") in ("AWS::CloudFormation::WaitConditionHandle",):
        return
    principal, region = launching
    resource_type = str(resource_json.get("Type"))
    parsed = parse_resource_and_generate_name(logical_id, json.loads(json.dumps(resource_json)), resources_map)
    if parsed is None:
        raise LaunchRefused(f"The emulator cannot launch a {resource_type} for a project.")
    _, cleaned, name = parsed
    for service, operation, params in _calls_for(resource_type, str(name), cleaned.get("Properties") or {}, region):
        _authorize(principal, Call(service, operation, params, region, "json", "POST"))


def stack_resources_are_created_as_the_launch_role() -> None:
    """Each resource of a project's stack is created only if the launch role may make its calls;
    the resources created are recorded in order, so that a refusal can roll them back."""
    from moto.cloudformation import parsing  # noqa: PLC0415

    original = parsing.parse_and_create_resource

    def parse_and_create_resource(
        logical_id: str, resource_json: dict[str, Any], resources_map: ResourceMap, account_id: str, region_name: str
    ) -> Any:
        _authorize_resource(logical_id, resource_json, resources_map)
        created = original(logical_id, resource_json, resources_map, account_id, region_name)
        if created is not None and getattr(_launch, "created", None) is not None:
            _launch.created.append((created, resource_json))
        return created

    parsing.parse_and_create_resource = parse_and_create_resource


# --------------------------------------------------------------------------------------------
# CloudFormation gaps of project templates
# --------------------------------------------------------------------------------------------


def _resolve_ssm(text: str, account: str, region: str) -> str:
    from moto.ssm.models import ssm_backends  # noqa: PLC0415

    def value(match: re.Match[str]) -> str:
        name = match.group("name")
        launching = _launching()
        if launching is not None:
            _authorize(launching[0], Call("ssm", "GetParameter", {"Name": name}, region, "json", "POST"))
        parameter = ssm_backends[account][region].get_parameter(name)
        if parameter is None:
            raise LaunchRefused(f"Parameter {name} of a dynamic reference does not exist.")
        return str(parameter.value)

    return SSM_REFERENCE.sub(value, text)


def ssm_dynamic_references_are_resolved() -> None:
    """`{{resolve:ssm:name}}` in a template: moto keeps the text. Here it becomes the parameter's
    value once the intrinsic functions around it are evaluated (Fn::Sub first, as CloudFormation
    does), read with the permissions of the stack's role when a project launches it."""
    from moto.cloudformation import parsing  # noqa: PLC0415

    original = parsing.clean_json

    def clean_json(resource_json: Any, resources_map: ResourceMap) -> Any:
        cleaned = original(resource_json, resources_map)
        if isinstance(cleaned, str) and "{{resolve:ssm:" in cleaned:
            return _resolve_ssm(cleaned, resources_map._account_id, resources_map._region_name)
        return cleaned

    parsing.clean_json = clean_json


def retain_except_on_create_is_kept_on_delete() -> None:
    """`DeletionPolicy: RetainExceptOnCreate` keeps a resource when its stack is deleted (moto
    deletes it: it knows only `Retain`); a create that rolls back still deletes it (see below)."""
    from moto.cloudformation.parsing import ResourceMap  # noqa: PLC0415

    original = ResourceMap.delete

    def delete(self: ResourceMap) -> None:
        for resource_json in self._resource_json_map.values():
            if resource_json.get("DeletionPolicy") in RETAINED_ON_DELETE:
                resource_json["DeletionPolicy"] = "Retain"
        original(self)

    ResourceMap.delete = delete  # type: ignore[method-assign]


def _cloudformation_models() -> None:
    """Forget moto's cached model list, so the models defined below are found by their type."""
    from moto.cloudformation import parsing  # noqa: PLC0415

    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()


def model_package_groups_and_bucket_policies_in_cloudformation() -> None:
    """`AWS::SageMaker::ModelPackageGroup` (with `ModelPackageGroupPolicy`, the only way
    CloudFormation sets a group's resource policy) and `AWS::S3::BucketPolicy` are unknown to
    moto's CloudFormation (the resource is skipped with a warning); its `AWS::S3::Bucket` applies
    only encryption and tags. Here the group, its policy, the bucket policy, the bucket's
    versioning and public access block are created through the services' own backends."""
    from moto.s3.models import FakeBucket  # noqa: PLC0415

    _define_models()
    original = FakeBucket.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_bucket(
        cls: type[FakeBucket],
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        bucket = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        _configure_bucket(bucket, cloudformation_json.get("Properties") or {})
        return bucket

    FakeBucket.create_from_cloudformation_json = classmethod(create_bucket)  # type: ignore[arg-type,assignment,method-assign]
    _cloudformation_models()


def _configure_bucket(bucket: Any, properties: dict[str, Any]) -> None:
    from moto.s3.models import s3_backends  # noqa: PLC0415
    from moto.utilities.utils import get_partition  # noqa: PLC0415

    backend = s3_backends[bucket.account_id][get_partition(bucket.region_name)]
    versioning = (properties.get("VersioningConfiguration") or {}).get("Status")
    if versioning:
        backend.put_bucket_versioning(bucket.name, versioning)
    block = properties.get("PublicAccessBlockConfiguration")
    if block:
        backend.put_public_access_block(bucket.name, {key: str(value).lower() for key, value in block.items()})


_models_defined: dict[str, type] = {}


def _define_models() -> None:
    """The two CloudFormation models, defined once (moto finds models as CloudFormationModel subclasses)."""
    if _models_defined:
        return
    from moto.core.common_models import CloudFormationModel  # noqa: PLC0415

    class ModelPackageGroupResource(CloudFormationModel):
        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::SageMaker::ModelPackageGroup"

        @staticmethod
        def cloudformation_name_type() -> str:
            return "ModelPackageGroupName"

        @classmethod
        def create_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
        ) -> Any:
            return _create_group(resource_name, cloudformation_json.get("Properties") or {}, account_id, region_name)

        @classmethod
        def delete_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
        ) -> None:
            from moto.sagemaker.models import sagemaker_backends  # noqa: PLC0415

            sagemaker_backends[account_id][region_name].delete_model_package_group(resource_name)  # type: ignore[attr-defined]

    class BucketPolicyResource(CloudFormationModel):
        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::S3::BucketPolicy"

        @classmethod
        def create_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
        ) -> Any:
            return _put_bucket_policy(cloudformation_json.get("Properties") or {}, account_id, region_name)

        @classmethod
        def delete_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
        ) -> None:
            _delete_bucket_policy(cloudformation_json.get("Properties") or {}, account_id, region_name)

    _models_defined.update(group=ModelPackageGroupResource, bucket_policy=BucketPolicyResource)


def _create_group(name: str, properties: dict[str, Any], account_id: str, region_name: str) -> Any:
    from moto.sagemaker.models import sagemaker_backends  # noqa: PLC0415

    from orchestrator.emulator.extensions.sagemaker import _model_package_group_policies  # noqa: PLC0415

    backend = sagemaker_backends[account_id][region_name]
    if name in backend.model_package_groups:
        # SageMaker refuses a second group of a name (moto would replace the first, policy and all).
        raise LaunchRefused(f"Model Package Group already exists: {backend.model_package_groups[name].arn}")
    backend.create_model_package_group(
        name, properties.get("ModelPackageGroupDescription") or "", properties.get("Tags") or []
    )
    group = backend.model_package_groups[name]
    policy = properties.get("ModelPackageGroupPolicy")
    if policy:
        _model_package_group_policies(backend)[name] = policy if isinstance(policy, str) else json.dumps(policy)
    return _GroupHandle(group)


class _GroupHandle:
    """What the stack keeps of a model package group: its name (Ref) and ARN (GetAtt)."""

    def __init__(self, group: Any) -> None:
        self.physical_resource_id = group.model_package_group_name
        self.arn = group.arn

    def get_cfn_attribute(self, attribute: str) -> str:
        if attribute == "ModelPackageGroupArn":
            return str(self.arn)
        raise NotImplementedError(attribute)

    def is_created(self) -> bool:
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.sagemaker.models import sagemaker_backends  # noqa: PLC0415

        sagemaker_backends[account_id][region_name].delete_model_package_group(self.physical_resource_id)  # type: ignore[attr-defined]


class _BucketPolicyHandle:
    def __init__(self, bucket: str) -> None:
        self.physical_resource_id = bucket

    def is_created(self) -> bool:
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        _delete_bucket_policy({"Bucket": self.physical_resource_id}, account_id, region_name)


def _s3(account_id: str, region_name: str) -> Any:
    from moto.s3.models import s3_backends  # noqa: PLC0415
    from moto.utilities.utils import get_partition  # noqa: PLC0415

    return s3_backends[account_id][get_partition(region_name)]


def _put_bucket_policy(properties: dict[str, Any], account_id: str, region_name: str) -> Any:
    bucket = str(properties.get("Bucket", ""))
    document = properties.get("PolicyDocument")
    _s3(account_id, region_name).put_bucket_policy(
        bucket, (document if isinstance(document, str) else json.dumps(document)).encode()
    )
    return _BucketPolicyHandle(bucket)


def _delete_bucket_policy(properties: dict[str, Any], account_id: str, region_name: str) -> None:
    _s3(account_id, region_name).delete_bucket_policy(str(properties.get("Bucket", "")))


# --------------------------------------------------------------------------------------------
# CreateProject, DescribeProject, ListProjects, DeleteProject
# --------------------------------------------------------------------------------------------


def _caller(response: SageMakerResponse) -> dict[str, Any]:
    """CreatedBy: the IAM identity that signed the request."""
    from orchestrator.emulator.authorization.principals import Signature, principal_of  # noqa: PLC0415

    principal = principal_of(Signature(response.get_access_key(), response.region, "sagemaker", None))
    arn = principal.caller.session_arn or principal.caller.arn
    return {"IamIdentity": {"Arn": arn, "PrincipalId": arn.rsplit("/", 1)[-1]}}


def _template_provider(params: dict[str, Any]) -> dict[str, Any]:
    providers = params.get("TemplateProviders") or []
    if (
        params.get("ServiceCatalogProvisioningDetails")
        or len(providers) != 1
        or "CfnTemplateProvider" not in providers[0]
    ):
        raise _validation(
            "This emulator creates projects from exactly one CfnTemplateProvider (TemplateProviders); Service Catalog provisioning is not emulated."
        )
    provider: dict[str, Any] = providers[0]["CfnTemplateProvider"]
    if not PROJECT_NAME.match(str(provider.get("TemplateName", ""))) or not str(
        provider.get("TemplateURL", "")
    ).startswith("https://"):
        raise _validation(
            "CfnTemplateProvider needs a TemplateName (1-32 letters, digits, hyphens) and an https TemplateURL."
        )
    return provider


def _template(backend: Any, url: str) -> str:
    from moto.core.exceptions import JsonRESTError  # noqa: PLC0415

    from orchestrator.emulator.extensions.servicecatalog import _template_body  # noqa: PLC0415

    try:
        return _template_body(backend, url).decode()
    except JsonRESTError as error:
        raise _validation(error.message) from None


def _launch_stack(backend: Any, project: Project, template: str) -> None:
    """Runs the template as the project's stack, as its role; a refusal rolls the stack back."""
    from moto.cloudformation.models import cloudformation_backends  # noqa: PLC0415

    cloudformation = cloudformation_backends[backend.account_id][backend.region_name]
    parameters = {p["Key"]: p["Value"] for p in project.parameters} | {
        "SageMakerProjectName": project.name,
        "SageMakerProjectId": project.project_id,
    }
    tags = {t["Key"]: t["Value"] for t in project.tags} | {
        "sagemaker:project-name": project.name,
        "sagemaker:project-id": project.project_id,
    }
    project.stack_name = f"SageMaker-{project.name}-{project.project_id}"
    _launch.created = []
    try:
        if project.role_arn:
            _launch.current = (
                _role_principal(backend.account_id, project.role_arn, "SageMakerProject"),
                backend.region_name,
            )
        stack = cloudformation.create_stack(
            project.stack_name, template, parameters, tags=tags, role_arn=project.role_arn or None
        )
        project.stack_id, project.status = stack.stack_id, "CreateCompleted"
    except Exception as error:  # noqa: BLE001 - any failure of the stack is the project's CreateFailed
        _roll_back(cloudformation, project, _launch.created)
        project.status, project.status_message = "CreateFailed", str(getattr(error, "message", None) or error)
    finally:
        _launch.current = None
        _launch.created = None


def _roll_back(cloudformation: Any, project: Project, created: list[tuple[Any, dict[str, Any]]]) -> None:
    """Deletes what the failed create made, newest first; `Retain` resources are kept."""
    for resource, resource_json in reversed(created):
        if resource_json.get("DeletionPolicy") == "Retain":
            continue
        stack = next((s for s in cloudformation.stacks.values() if s.name == project.stack_name), None)
        if stack is not None:
            stack.resource_map._delete_resource(resource, resource_json)
    for stack_id, stack in list(cloudformation.stacks.items()):
        if stack.name == project.stack_name:
            project.stack_id = stack_id
            stack.status = "ROLLBACK_COMPLETE"
            cloudformation.stacks.pop(stack_id)
            cloudformation.deleted_stacks[stack_id] = stack


def _create_project(self: SageMakerResponse) -> Any:
    from moto.core.responses import ActionResult  # noqa: PLC0415

    params = json.loads(self.body or "{}")
    backend = self.sagemaker_backend
    name = str(params.get("ProjectName", ""))
    if not PROJECT_NAME.match(name):
        raise _validation(
            f"ProjectName {name!r} must be 1-32 letters, digits and hyphens, starting and ending with a letter or digit."
        )
    if name in _projects(backend):
        raise _validation(f"Project {name} already exists.")
    provider = _template_provider(params)
    template = _template(backend, str(provider["TemplateURL"]))
    project_id = _new_project_id()
    project = Project(
        name=name,
        project_id=project_id,
        arn=f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:project/{name.lower()}",
        description=str(params.get("ProjectDescription") or ""),
        template_name=str(provider["TemplateName"]),
        template_url=str(provider["TemplateURL"]),
        role_arn=str(provider.get("RoleARN") or ""),
        parameters=list(provider.get("Parameters") or []),
        created_by=_caller(self),
        tags=list(params.get("Tags") or []),
    )
    _projects(backend)[name] = project
    _launch_stack(backend, project, template)
    return ActionResult({"ProjectArn": project.arn, "ProjectId": project.project_id})


def _describe_project(self: SageMakerResponse) -> Any:
    from moto.core.responses import ActionResult  # noqa: PLC0415

    return ActionResult(_project(self.sagemaker_backend, json.loads(self.body or "{}").get("ProjectName")).described())


def _list_projects(self: SageMakerResponse) -> Any:
    from moto.core.responses import ActionResult  # noqa: PLC0415

    params = json.loads(self.body or "{}")
    contains = str(params.get("NameContains") or "").lower()
    projects = sorted(
        _projects(self.sagemaker_backend).values(),
        key=lambda p: p.creation_time,
        reverse=params.get("SortOrder") != "Ascending",
    )
    return ActionResult({"ProjectSummaryList": [p.summary() for p in projects if contains in p.name.lower()]})


def _delete_project(self: SageMakerResponse) -> Any:
    from moto.cloudformation.models import cloudformation_backends  # noqa: PLC0415
    from moto.core.responses import EmptyResult  # noqa: PLC0415

    backend = self.sagemaker_backend
    project = _project(backend, json.loads(self.body or "{}").get("ProjectName"))
    if project.status == "CreateCompleted":
        cloudformation_backends[backend.account_id][backend.region_name].delete_stack(project.stack_id)
    del _projects(backend)[project.name]
    return EmptyResult()


def projects_are_launched_from_s3_templates() -> None:
    """CreateProject (one CfnTemplateProvider), DescribeProject, ListProjects and DeleteProject:
    not implemented by moto. A project's template runs as a CloudFormation stack as the
    provider's role; DeleteProject deletes the stack (resources it retains are kept)."""
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    SageMakerResponse.create_project = _create_project  # type: ignore[attr-defined]
    SageMakerResponse.describe_project = _describe_project  # type: ignore[attr-defined]
    SageMakerResponse.list_projects = _list_projects  # type: ignore[attr-defined]
    SageMakerResponse.delete_project = _delete_project  # type: ignore[attr-defined]
