"""SageMaker: Studio domain, user profile, Studio lifecycle config, Service Catalog portfolio status
and model package group gaps of the stock emulator.

State the stock backend has no place for (user profiles, Studio lifecycle configs, the portfolio
status, model package group policies) is kept as attributes of moto's region backend, so that the
emulator's persistence pickles it with everything else; older pickles without them read as empty.
"""

from __future__ import annotations

import binascii
import json
from base64 import b64decode
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DOMAIN_ID_LENGTH = 12
FIRST_HOME_EFS_UID = 200001
PORTFOLIO_DISABLED = "Disabled"
SAGEMAKER_RESOURCE_TAG = "ManagedByAmazonSageMakerResource"
MAX_LIFECYCLE_CONFIG_CONTENT = 16384


# --------------------------------------------------------------------------------------------
# Models and helpers shared by the extensions
# --------------------------------------------------------------------------------------------


def _now() -> datetime:
    from moto.core.utils import utcnow  # noqa: PLC0415

    return utcnow()


def _arn(backend: Any, resource_type: str, resource_id: str) -> str:
    from moto.sagemaker.utils import arn_formatter  # noqa: PLC0415

    return arn_formatter(resource_type, resource_id, backend.account_id, backend.region_name)


def _store(backend: Any, attribute: str) -> dict[str, Any]:
    """A dict kept on the region backend (created on first use, so pickles of older runs load)."""
    return backend.__dict__.setdefault(attribute, {})  # type: ignore[no-any-return]


def _user_profiles(backend: Any) -> dict[str, UserProfile]:
    """User profiles keyed by `<domain id>/<profile name>`, the tail of their ARN."""
    return _store(backend, "user_profiles")


def _studio_lifecycle_configs(backend: Any) -> dict[str, StudioLifecycleConfig]:
    return _store(backend, "studio_lifecycle_configs")


def _model_package_group_policies(backend: Any) -> dict[str, str]:
    return _store(backend, "model_package_group_policies")


def _merge_settings(current: dict[str, Any] | None, update: dict[str, Any] | None) -> dict[str, Any] | None:
    """SageMaker's partial update of a settings structure: members sent replace (an empty list
    clears), nested structures merge, members not sent are kept."""
    if update is None:
        return current
    merged = dict(current or {})
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_settings(merged[key], value)
        else:
            merged[key] = value
    return merged


def _mentions(settings: Any, arn: str) -> bool:
    """Whether a settings structure names the ARN anywhere (a value, or an item of a list)."""
    if isinstance(settings, dict):
        return any(_mentions(value, arn) for value in settings.values())
    if isinstance(settings, list):
        return any(_mentions(item, arn) for item in settings)
    return bool(settings == arn)


@dataclass
class UserProfile:
    """A Studio user profile (stock moto has none)."""

    domain_id: str
    name: str
    arn: str
    user_settings: dict[str, Any] | None
    home_efs_file_system_uid: str
    single_sign_on_user_identifier: str | None = None
    single_sign_on_user_value: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    status: str = "InService"
    creation_time: datetime = field(default_factory=_now)
    last_modified_time: datetime = field(default_factory=_now)

    def describe(self) -> dict[str, Any]:
        return {
            "DomainId": self.domain_id,
            "UserProfileArn": self.arn,
            "UserProfileName": self.name,
            "HomeEfsFileSystemUid": self.home_efs_file_system_uid,
            "Status": self.status,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "SingleSignOnUserIdentifier": self.single_sign_on_user_identifier,
            "SingleSignOnUserValue": self.single_sign_on_user_value,
            "UserSettings": self.user_settings,
        }

    def summary(self) -> dict[str, Any]:
        return {
            "DomainId": self.domain_id,
            "UserProfileName": self.name,
            "Status": self.status,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
        }


@dataclass
class StudioLifecycleConfig:
    """A Studio lifecycle configuration (stock moto has none)."""

    name: str
    arn: str
    content: str
    app_type: str
    tags: list[dict[str, str]] = field(default_factory=list)
    creation_time: datetime = field(default_factory=_now)
    last_modified_time: datetime = field(default_factory=_now)

    def summary(self) -> dict[str, Any]:
        return {
            "StudioLifecycleConfigArn": self.arn,
            "StudioLifecycleConfigName": self.name,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "StudioLifecycleConfigAppType": self.app_type,
        }

    def describe(self) -> dict[str, Any]:
        return {**self.summary(), "StudioLifecycleConfigContent": self.content}


def _domain(backend: Any, domain_id: str) -> Any:
    """The domain, or ResourceNotFound as SageMaker answers (the provider waits for that code)."""
    from moto.sagemaker.exceptions import ResourceNotFound  # noqa: PLC0415

    domain = backend.domains.get(domain_id)
    if domain is None:
        raise ResourceNotFound(message=f"Domain '{_arn(backend, 'domain', domain_id)}' does not exist.")
    return domain


def _user_profile(backend: Any, domain_id: str, name: str) -> UserProfile:
    from moto.sagemaker.exceptions import ResourceNotFound  # noqa: PLC0415

    profile = _user_profiles(backend).get(f"{domain_id}/{name}")
    if profile is None:
        arn = _arn(backend, "user-profile", f"{domain_id}/{name}")
        raise ResourceNotFound(message=f"User profile '{arn}' does not exist.")
    return profile


def _studio_lifecycle_config(backend: Any, name: str) -> StudioLifecycleConfig:
    from moto.sagemaker.exceptions import ResourceNotFound  # noqa: PLC0415

    config = _studio_lifecycle_configs(backend).get(name)
    if config is None:
        arn = _arn(backend, "studio-lifecycle-config", name)
        raise ResourceNotFound(message=f"Unable to describe Studio Lifecycle Config '{arn}' because it does not exist.")
    return config


def _model_package_group_name(name_or_arn: str) -> str:
    return name_or_arn.rsplit("/", 1)[-1] if name_or_arn.startswith("arn:") else name_or_arn


def _model_package_group(backend: Any, name_or_arn: str, message: str) -> Any:
    """The group, or the ValidationException whose message the provider treats as not found."""
    from moto.sagemaker.exceptions import ValidationError  # noqa: PLC0415

    name = _model_package_group_name(name_or_arn)
    group = backend.model_package_groups.get(name)
    if group is None:
        raise ValidationError(message=message.format(arn=_arn(backend, "model-package-group", name)))
    return group


# --------------------------------------------------------------------------------------------
# Domains
# --------------------------------------------------------------------------------------------


def _create_home_efs(backend: Any, domain: Any) -> str:
    """The home EFS file system SageMaker creates for a domain: encrypted (with the domain's key
    when it has one) and tagged with the domain ARN, as on AWS."""
    from moto.efs.models import efs_backends  # noqa: PLC0415

    file_system = efs_backends[backend.account_id][backend.region_name].create_file_system(
        creation_token=domain.arn,
        performance_mode="generalPurpose",
        encrypted=True,
        kms_key_id=domain.kms_key_id,
        throughput_mode="bursting",
        provisioned_throughput_in_mibps=0,
        availability_zone_name=None,  # type: ignore[arg-type]
        backup=False,
        tags=[{"Key": SAGEMAKER_RESOURCE_TAG, "Value": domain.arn}],
    )
    return str(file_system.file_system_id)


def _delete_home_efs(backend: Any, file_system_id: str) -> None:
    from moto.efs.exceptions import FileSystemNotFound  # noqa: PLC0415
    from moto.efs.models import efs_backends  # noqa: PLC0415

    try:
        efs_backends[backend.account_id][backend.region_name].delete_file_system(file_system_id)
    except FileSystemNotFound:
        pass  # already removed by hand: nothing left to clean


def _new_domain_id(backend: Any) -> str:
    from moto.moto_api._internal import mock_random  # noqa: PLC0415

    while True:
        domain_id = f"d-{mock_random.get_random_string(DOMAIN_ID_LENGTH, lower_case=True)}"
        if domain_id not in backend.domains:
            return domain_id


def domain_ids_urls_and_home_efs_follow_aws() -> None:
    """CreateDomain: moto derives the id from the name (`d-<name>`) and does not return it (the
    provider reads DomainId), makes up `<name>.<region>.sagemaker.test.com` as URL, `<name>-efs-id`
    as home EFS, SSO application ids for IAM domains and a boundary security group, and drops
    TagPropagation. Here, as on AWS: the id is `d-` + 12 lowercase alphanumerics, the URL is
    `https://<id>.studio.<region>.sagemaker.aws`, the home EFS is a real (encrypted, tagged) file
    system of the EFS backend, SSO fields exist only for SSO domains, the boundary group only with
    RStudio, and TagPropagation (default DISABLED) is stored and described."""
    from moto.sagemaker.models import Domain  # noqa: PLC0415
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    stock_describe = Domain.describe

    def create_domain(self: SageMakerResponse) -> Any:
        from moto.core.responses import ActionResult  # noqa: PLC0415

        backend = self.sagemaker_backend
        domain: Any = Domain(  # the fields below are ones moto's Domain does not declare
            domain_name=self._get_param("DomainName"),
            auth_mode=self._get_param("AuthMode"),
            default_user_settings=self._get_param("DefaultUserSettings"),
            subnet_ids=self._get_param("SubnetIds"),
            vpc_id=self._get_param("VpcId"),
            account_id=backend.account_id,
            region_name=backend.region_name,
            domain_settings=self._get_param("DomainSettings"),
            tags=self._get_param("Tags") or [],
            app_network_access_type=self._get_param("AppNetworkAccessType"),
            home_efs_file_system_kms_key_id=self._get_param("HomeEfsFileSystemKmsKeyId"),
            kms_key_id=self._get_param("KmsKeyId"),
            app_security_group_management=self._get_param("AppSecurityGroupManagement"),
            default_space_settings=self._get_param("DefaultSpaceSettings"),
        )
        domain.id = _new_domain_id(backend)
        domain.arn = _arn(backend, "domain", domain.id)
        domain.url = f"https://{domain.id}.studio.{backend.region_name}.sagemaker.aws"
        domain.tag_propagation = self._get_param("TagPropagation") or "DISABLED"
        domain.home_efs_file_system_creation = self._get_param("HomeEfsFileSystemCreation")
        domain.failure_reason = None
        if domain.auth_mode != "SSO":
            domain.single_sign_on_managed_application_instance_id = None
            domain.single_sign_on_managed_application_arn = None
        if not (domain.domain_settings or {}).get("RStudioServerProDomainSettings"):
            domain.security_group_id_for_domain_boundary = None
        domain.home_efs_file_system_id = _create_home_efs(backend, domain)
        backend.domains[domain.id] = domain
        return ActionResult({"DomainArn": domain.arn, "DomainId": domain.id, "Url": domain.url})

    def describe(self: Domain) -> dict[str, Any]:
        description = stock_describe(self)
        description["TagPropagation"] = getattr(self, "tag_propagation", None)
        description["HomeEfsFileSystemCreation"] = getattr(self, "home_efs_file_system_creation", None)
        return description

    SageMakerResponse.create_domain = create_domain  # type: ignore[method-assign]
    Domain.describe = describe  # type: ignore[method-assign]


def domain_delete_follows_aws() -> None:
    """DescribeDomain/DeleteDomain: moto answers an unknown id with ValidationException, so the
    provider never sees a deleted domain as gone (it waits for ResourceNotFound), and DeleteDomain
    ignores both the domain's user profiles and RetentionPolicy. Here, as on AWS: ResourceNotFound;
    ResourceInUse while the domain has user profiles; the home EFS is deleted with
    `HomeEfsFileSystem = Delete` and kept with `Retain` (the default)."""
    from moto.sagemaker.exceptions import ResourceInUseException  # noqa: PLC0415
    from moto.sagemaker.models import SageMakerModelBackend  # noqa: PLC0415

    def describe_domain(self: SageMakerModelBackend, domain_id: str) -> dict[str, Any]:
        return _domain(self, domain_id).describe()  # type: ignore[no-any-return]

    def delete_domain(self: SageMakerModelBackend, domain_id: str, retention_policy: dict[str, str] | None) -> None:
        domain = _domain(self, domain_id)
        if any(profile.domain_id == domain_id for profile in _user_profiles(self).values()):
            raise ResourceInUseException(
                message=f"Domain '{domain.arn}' cannot be deleted because it has UserProfiles. Delete them first."
            )
        if (retention_policy or {}).get("HomeEfsFileSystem", "Retain") == "Delete":
            _delete_home_efs(self, domain.home_efs_file_system_id)
        del self.domains[domain_id]

    SageMakerModelBackend.describe_domain = describe_domain  # type: ignore[method-assign]
    SageMakerModelBackend.delete_domain = delete_domain  # type: ignore[method-assign]


def domain_update_is_supported() -> None:
    """UpdateDomain: not implemented by moto (HTTP 500). Here the settings sent are merged into the
    domain as SageMaker does (members not sent are kept, see `_merge_settings`);
    DomainSettingsForUpdate updates DomainSettings; the domain stays InService."""
    from moto.sagemaker.models import SageMakerModelBackend  # noqa: PLC0415
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    def update_domain(self: SageMakerModelBackend, domain_id: str, changes: dict[str, Any]) -> str:
        domain = _domain(self, domain_id)
        domain.default_user_settings = _merge_settings(domain.default_user_settings, changes.get("DefaultUserSettings"))
        domain.default_space_settings = _merge_settings(
            domain.default_space_settings, changes.get("DefaultSpaceSettings")
        )
        settings_update = dict(changes.get("DomainSettingsForUpdate") or {})
        rstudio = settings_update.pop("RStudioServerProDomainSettingsForUpdate", None)
        if rstudio is not None:
            settings_update["RStudioServerProDomainSettings"] = rstudio
        domain.domain_settings = _merge_settings(domain.domain_settings, settings_update or None)
        for member, attribute in (
            ("SubnetIds", "subnet_ids"),
            ("AppNetworkAccessType", "app_network_access_type"),
            ("AppSecurityGroupManagement", "app_security_group_management"),
            ("TagPropagation", "tag_propagation"),
            ("HomeEfsFileSystemCreation", "home_efs_file_system_creation"),
            ("VpcId", "vpc_id"),
        ):
            if changes.get(member) is not None:
                setattr(domain, attribute, changes[member])
        domain.last_modified_time = _now()
        return str(domain.arn)

    def update_domain_response(self: SageMakerResponse) -> Any:
        from moto.core.responses import ActionResult  # noqa: PLC0415

        changes = {key: value for key, value in self._get_params().items() if key != "DomainId"}
        arn = self.sagemaker_backend.update_domain(self._get_param("DomainId"), changes)  # type: ignore[attr-defined]
        return ActionResult({"DomainArn": arn})

    SageMakerModelBackend.update_domain = update_domain  # type: ignore[attr-defined]
    SageMakerResponse.update_domain = update_domain_response  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# User profiles
# --------------------------------------------------------------------------------------------


def _next_home_efs_uid(domain: Any) -> str:
    """POSIX uid of a profile on the domain's home EFS: SageMaker numbers them per domain."""
    uid = getattr(domain, "next_home_efs_uid", FIRST_HOME_EFS_UID)
    domain.next_home_efs_uid = uid + 1
    return str(uid)


def _sorted(items: list[Any], params: dict[str, Any], default_order: str) -> list[Any]:
    """List order of the Studio List* calls: by CreationTime unless SortBy says LastModifiedTime or
    Name; the default order differs per call (its API reference gives it)."""
    attribute = {"Name": "name", "LastModifiedTime": "last_modified_time"}.get(
        params.get("SortBy") or "", "creation_time"
    )
    descending = (params.get("SortOrder") or default_order) == "Descending"
    return sorted(items, key=lambda item: getattr(item, attribute), reverse=descending)


def user_profiles_are_supported() -> None:
    """Create/Describe/Update/Delete/ListUserProfiles: not implemented by moto (HTTP 500). Here, as
    on AWS: a profile belongs to an existing domain (ResourceNotFound otherwise), its name is unique
    in the domain (ResourceInUse), it is InService with an ARN `user-profile/<domain id>/<name>` and
    a HomeEfsFileSystemUid, UpdateUserProfile merges the settings sent, and a deleted profile is
    ResourceNotFound."""
    from moto.sagemaker.exceptions import ResourceInUseException  # noqa: PLC0415
    from moto.sagemaker.models import SageMakerModelBackend  # noqa: PLC0415
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    def create_user_profile(self: SageMakerModelBackend, params: dict[str, Any]) -> str:
        domain = _domain(self, params["DomainId"])
        key = f"{domain.id}/{params['UserProfileName']}"
        if key in _user_profiles(self):
            raise ResourceInUseException(message=f"User profile '{_arn(self, 'user-profile', key)}' already exists.")
        profile = UserProfile(
            domain_id=domain.id,
            name=params["UserProfileName"],
            arn=_arn(self, "user-profile", key),
            user_settings=params.get("UserSettings"),
            home_efs_file_system_uid=_next_home_efs_uid(domain),
            single_sign_on_user_identifier=params.get("SingleSignOnUserIdentifier"),
            single_sign_on_user_value=params.get("SingleSignOnUserValue"),
            tags=params.get("Tags") or [],
        )
        _user_profiles(self)[key] = profile
        return profile.arn

    def update_user_profile(
        self: SageMakerModelBackend, domain_id: str, name: str, settings: dict[str, Any] | None
    ) -> str:
        profile = _user_profile(self, domain_id, name)
        profile.user_settings = _merge_settings(profile.user_settings, settings)
        profile.last_modified_time = _now()
        return profile.arn

    def delete_user_profile(self: SageMakerModelBackend, domain_id: str, name: str) -> None:
        profile = _user_profile(self, domain_id, name)
        del _user_profiles(self)[f"{profile.domain_id}/{profile.name}"]

    def list_user_profiles(self: SageMakerModelBackend, params: dict[str, Any]) -> list[UserProfile]:
        domain_id, contains = params.get("DomainIdEquals"), params.get("UserProfileNameContains") or ""
        profiles = [
            profile
            for profile in _user_profiles(self).values()
            if (domain_id is None or profile.domain_id == domain_id) and contains in profile.name
        ]
        return _sorted(profiles, params, default_order="Ascending")

    def create_response(self: SageMakerResponse) -> Any:
        from moto.core.responses import ActionResult  # noqa: PLC0415

        return ActionResult({"UserProfileArn": self.sagemaker_backend.create_user_profile(self._get_params())})  # type: ignore[attr-defined]

    def describe_response(self: SageMakerResponse) -> Any:
        from moto.core.responses import ActionResult  # noqa: PLC0415

        profile = _user_profile(self.sagemaker_backend, self._get_param("DomainId"), self._get_param("UserProfileName"))
        return ActionResult(profile.describe())

    def update_response(self: SageMakerResponse) -> Any:
        from moto.core.responses import ActionResult  # noqa: PLC0415

        arn = self.sagemaker_backend.update_user_profile(  # type: ignore[attr-defined]
            self._get_param("DomainId"), self._get_param("UserProfileName"), self._get_param("UserSettings")
        )
        return ActionResult({"UserProfileArn": arn})

    def delete_response(self: SageMakerResponse) -> Any:
        from moto.core.responses import EmptyResult  # noqa: PLC0415

        self.sagemaker_backend.delete_user_profile(self._get_param("DomainId"), self._get_param("UserProfileName"))  # type: ignore[attr-defined]
        return EmptyResult()

    def list_response(self: SageMakerResponse) -> Any:
        from moto.core.responses import ActionResult  # noqa: PLC0415

        profiles = self.sagemaker_backend.list_user_profiles(self._get_params())  # type: ignore[attr-defined]
        return ActionResult({"UserProfiles": [profile.summary() for profile in profiles]})

    SageMakerModelBackend.create_user_profile = create_user_profile  # type: ignore[attr-defined]
    SageMakerModelBackend.update_user_profile = update_user_profile  # type: ignore[attr-defined]
    SageMakerModelBackend.delete_user_profile = delete_user_profile  # type: ignore[attr-defined]
    SageMakerModelBackend.list_user_profiles = list_user_profiles  # type: ignore[attr-defined]
    SageMakerResponse.create_user_profile = create_response  # type: ignore[attr-defined]
    SageMakerResponse.describe_user_profile = describe_response  # type: ignore[attr-defined]
    SageMakerResponse.update_user_profile = update_response  # type: ignore[attr-defined]
    SageMakerResponse.delete_user_profile = delete_response  # type: ignore[attr-defined]
    SageMakerResponse.list_user_profiles = list_response  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# Studio lifecycle configurations
# --------------------------------------------------------------------------------------------


def _validate_lifecycle_content(content: str) -> None:
    from moto.sagemaker.exceptions import ValidationError  # noqa: PLC0415

    try:
        b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(message="StudioLifecycleConfigContent must be base64 encoded.") from None
    if len(content) > MAX_LIFECYCLE_CONFIG_CONTENT:
        raise ValidationError(
            message=f"1 validation error detected: Value at 'studioLifecycleConfigContent' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_LIFECYCLE_CONFIG_CONTENT}"
        )


def _users_of_lifecycle_config(backend: Any, arn: str) -> list[str]:
    """ARNs of the domains and user profiles whose settings still name the lifecycle config."""
    users = [
        domain.arn
        for domain in backend.domains.values()
        if _mentions(domain.default_user_settings, arn) or _mentions(domain.default_space_settings, arn)
    ]
    return users + [
        profile.arn for profile in _user_profiles(backend).values() if _mentions(profile.user_settings, arn)
    ]


def studio_lifecycle_configs_are_supported() -> None:
    """Create/Describe/Delete/ListStudioLifecycleConfigs: not implemented by moto (HTTP 500). Here,
    as on AWS: the content must be base64 (at most 16 KiB), names are unique (ResourceInUse),
    a config still named in a domain's or user profile's settings cannot be deleted (ResourceInUse),
    and an unknown or deleted config is ResourceNotFound."""
    from moto.sagemaker.exceptions import ResourceInUseException  # noqa: PLC0415
    from moto.sagemaker.models import SageMakerModelBackend  # noqa: PLC0415
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    def create_studio_lifecycle_config(self: SageMakerModelBackend, params: dict[str, Any]) -> str:
        name = params["StudioLifecycleConfigName"]
        arn = _arn(self, "studio-lifecycle-config", name)
        if name in _studio_lifecycle_configs(self):
            raise ResourceInUseException(message=f"Studio Lifecycle Config '{arn}' already exists.")
        _validate_lifecycle_content(params["StudioLifecycleConfigContent"])
        _studio_lifecycle_configs(self)[name] = StudioLifecycleConfig(
            name=name,
            arn=arn,
            content=params["StudioLifecycleConfigContent"],
            app_type=params["StudioLifecycleConfigAppType"],
            tags=params.get("Tags") or [],
        )
        return arn

    def delete_studio_lifecycle_config(self: SageMakerModelBackend, name: str) -> None:
        config = _studio_lifecycle_config(self, name)
        users = _users_of_lifecycle_config(self, config.arn)
        if users:
            raise ResourceInUseException(
                message=f"Studio Lifecycle Config '{config.arn}' is in use by {', '.join(users)}. Remove it from their settings first."
            )
        del _studio_lifecycle_configs(self)[name]

    def list_studio_lifecycle_configs(
        self: SageMakerModelBackend, params: dict[str, Any]
    ) -> list[StudioLifecycleConfig]:
        contains, app_type = params.get("NameContains") or "", params.get("AppTypeEquals")
        configs = [
            config
            for config in _studio_lifecycle_configs(self).values()
            if contains in config.name and app_type in (None, config.app_type)
        ]
        return _sorted(configs, params, default_order="Descending")

    def create_response(self: SageMakerResponse) -> Any:
        from moto.core.responses import ActionResult  # noqa: PLC0415

        arn = self.sagemaker_backend.create_studio_lifecycle_config(self._get_params())  # type: ignore[attr-defined]
        return ActionResult({"StudioLifecycleConfigArn": arn})

    def describe_response(self: SageMakerResponse) -> Any:
        from moto.core.responses import ActionResult  # noqa: PLC0415

        return ActionResult(
            _studio_lifecycle_config(self.sagemaker_backend, self._get_param("StudioLifecycleConfigName")).describe()
        )

    def delete_response(self: SageMakerResponse) -> Any:
        from moto.core.responses import EmptyResult  # noqa: PLC0415

        self.sagemaker_backend.delete_studio_lifecycle_config(self._get_param("StudioLifecycleConfigName"))  # type: ignore[attr-defined]
        return EmptyResult()

    def list_response(self: SageMakerResponse) -> Any:
        from moto.core.responses import ActionResult  # noqa: PLC0415

        configs = self.sagemaker_backend.list_studio_lifecycle_configs(self._get_params())  # type: ignore[attr-defined]
        return ActionResult({"StudioLifecycleConfigs": [config.summary() for config in configs]})

    SageMakerModelBackend.create_studio_lifecycle_config = create_studio_lifecycle_config  # type: ignore[attr-defined]
    SageMakerModelBackend.delete_studio_lifecycle_config = delete_studio_lifecycle_config  # type: ignore[attr-defined]
    SageMakerModelBackend.list_studio_lifecycle_configs = list_studio_lifecycle_configs  # type: ignore[attr-defined]
    SageMakerResponse.create_studio_lifecycle_config = create_response  # type: ignore[attr-defined]
    SageMakerResponse.describe_studio_lifecycle_config = describe_response  # type: ignore[attr-defined]
    SageMakerResponse.delete_studio_lifecycle_config = delete_response  # type: ignore[attr-defined]
    SageMakerResponse.list_studio_lifecycle_configs = list_response  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# Tags
# --------------------------------------------------------------------------------------------


def studio_resources_can_be_tagged() -> None:
    """AddTags/ListTags/DeleteTags: moto resolves an ARN by splitting its resource part into exactly
    `type/name`, so a user profile (`user-profile/<domain id>/<name>`) fails with HTTP 500, and it
    knows no Studio lifecycle configs. Here both resolve to the stored resources (ResourceNotFound
    once deleted); every other ARN is resolved by moto as before."""
    from moto.sagemaker.exceptions import ResourceNotFound  # noqa: PLC0415
    from moto.sagemaker.models import SageMakerModelBackend  # noqa: PLC0415

    stock_get_resource_from_arn = SageMakerModelBackend._get_resource_from_arn

    def get_resource_from_arn(self: SageMakerModelBackend, arn: str) -> Any:
        resource_type, _, resource_id = arn.split(":", 5)[-1].partition("/")
        stores: dict[str, dict[str, Any]] = {
            "user-profile": _user_profiles(self),
            "studio-lifecycle-config": _studio_lifecycle_configs(self),
        }
        if resource_type not in stores:
            return stock_get_resource_from_arn(self, arn)
        resource = stores[resource_type].get(resource_id)
        if resource is None:
            raise ResourceNotFound(message=f"Resource '{arn}' does not exist.")
        return resource

    SageMakerModelBackend._get_resource_from_arn = get_resource_from_arn  # type: ignore[method-assign]


def add_tags_overwrites_existing_keys() -> None:
    """AddTags: moto appends the tags sent, so changing a tag's value leaves the resource with the
    key twice (ListTags returns both values, and which one Terraform keeps is luck). SageMaker, like
    every AWS tagging API, overwrites the value of a key that exists and adds the others."""
    from moto.sagemaker.models import SageMakerModelBackend  # noqa: PLC0415

    def add_tags(self: SageMakerModelBackend, arn: str, tags: list[dict[str, str]]) -> list[dict[str, str]]:
        resource = self._get_resource_from_arn(arn)
        sent = {tag["Key"]: tag.get("Value", "") for tag in tags}
        kept = [tag for tag in resource.tags or [] if tag["Key"] not in sent]
        resource.tags = kept + [{"Key": key, "Value": value} for key, value in sent.items()]
        return resource.tags  # type: ignore[no-any-return]

    SageMakerModelBackend.add_tags = add_tags  # type: ignore[method-assign]


# --------------------------------------------------------------------------------------------
# Service Catalog portfolio status
# --------------------------------------------------------------------------------------------


def servicecatalog_portfolio_status_is_kept() -> None:
    """Enable/Disable/GetSagemakerServicecatalogPortfolioStatus: not implemented by moto (HTTP 500).
    Here the status is kept per account and region, Disabled until enabled, as on AWS."""
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    def set_status(self: SageMakerResponse, status: str) -> Any:
        from moto.core.responses import EmptyResult  # noqa: PLC0415

        self.sagemaker_backend.servicecatalog_portfolio_status = status  # type: ignore[attr-defined]
        return EmptyResult()

    def enable(self: SageMakerResponse) -> Any:
        return set_status(self, "Enabled")

    def disable(self: SageMakerResponse) -> Any:
        return set_status(self, PORTFOLIO_DISABLED)

    def get_status(self: SageMakerResponse) -> Any:
        from moto.core.responses import ActionResult  # noqa: PLC0415

        status = getattr(self.sagemaker_backend, "servicecatalog_portfolio_status", PORTFOLIO_DISABLED)
        return ActionResult({"Status": status})

    SageMakerResponse.enable_sagemaker_servicecatalog_portfolio = enable  # type: ignore[attr-defined]
    SageMakerResponse.disable_sagemaker_servicecatalog_portfolio = disable  # type: ignore[attr-defined]
    SageMakerResponse.get_sagemaker_servicecatalog_portfolio_status = get_status  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# Model package groups
# --------------------------------------------------------------------------------------------


def model_package_groups_can_be_deleted() -> None:
    """DeleteModelPackageGroup: not implemented by moto (HTTP 500), so no group can be destroyed.
    Here the group (name or ARN) and its resource policy are deleted; an unknown group is the
    ValidationException "... does not exist." that DescribeModelPackageGroup answers, as on AWS."""
    from moto.sagemaker.models import SageMakerModelBackend  # noqa: PLC0415
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    def delete_model_package_group(self: SageMakerModelBackend, name_or_arn: str) -> None:
        group = _model_package_group(self, name_or_arn, "ModelPackageGroup {arn} does not exist.")
        _model_package_group_policies(self).pop(group.model_package_group_name, None)
        del self.model_package_groups[group.model_package_group_name]

    def delete_response(self: SageMakerResponse) -> Any:
        from moto.core.responses import EmptyResult  # noqa: PLC0415

        self.sagemaker_backend.delete_model_package_group(self._get_param("ModelPackageGroupName"))  # type: ignore[attr-defined]
        return EmptyResult()

    SageMakerModelBackend.delete_model_package_group = delete_model_package_group  # type: ignore[attr-defined]
    SageMakerResponse.delete_model_package_group = delete_response  # type: ignore[attr-defined]


def model_packages_can_be_deleted() -> None:
    """DeleteModelPackage: not implemented by moto (HTTP 500), so a team could not remove a model
    version. Here the package (ARN, or name for an unversioned one) is removed from the registry; an
    unknown package is the ValidationException DescribeModelPackage answers."""
    from moto.sagemaker.models import SageMakerModelBackend  # noqa: PLC0415
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    def delete_model_package(self: SageMakerModelBackend, model_package_name: str) -> None:
        package = self.describe_model_package(model_package_name)
        del self.model_packages[package.arn]
        for name, arn in list(self.model_package_name_mapping.items()):
            if arn == package.arn:
                del self.model_package_name_mapping[name]

    def delete_response(self: SageMakerResponse) -> Any:
        from moto.core.responses import EmptyResult  # noqa: PLC0415

        self.sagemaker_backend.delete_model_package(self._get_param("ModelPackageName"))  # type: ignore[attr-defined]
        return EmptyResult()

    SageMakerModelBackend.delete_model_package = delete_model_package  # type: ignore[attr-defined]
    SageMakerResponse.delete_model_package = delete_response  # type: ignore[attr-defined]


def model_package_group_policies_are_supported() -> None:
    """Put/Get/DeleteModelPackageGroupPolicy: not implemented by moto (HTTP 500). Here the resource
    policy must be a JSON object and is kept as sent; a missing group or policy is a
    ValidationException "Cannot find Model Package Group ..." / "Cannot find resource policy ...",
    the messages AWS answers (the provider recognises them as not found)."""
    from moto.sagemaker.exceptions import ValidationError  # noqa: PLC0415
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    missing_group = "Cannot find Model Package Group {arn}"

    def put_policy(self: SageMakerResponse) -> Any:
        from moto.core.responses import ActionResult  # noqa: PLC0415

        group = _model_package_group(self.sagemaker_backend, self._get_param("ModelPackageGroupName"), missing_group)
        policy = self._get_param("ResourcePolicy")
        try:
            if not isinstance(json.loads(policy), dict):
                raise ValueError(policy)
        except ValueError:
            raise ValidationError(message="The resource policy is not a valid JSON policy document.") from None
        _model_package_group_policies(self.sagemaker_backend)[group.model_package_group_name] = policy
        return ActionResult({"ModelPackageGroupArn": group.arn})

    def get_policy(self: SageMakerResponse) -> Any:
        from moto.core.responses import ActionResult  # noqa: PLC0415

        group = _model_package_group(self.sagemaker_backend, self._get_param("ModelPackageGroupName"), missing_group)
        policy = _model_package_group_policies(self.sagemaker_backend).get(group.model_package_group_name)
        if policy is None:
            raise ValidationError(message=f"Cannot find resource policy for Model Package Group {group.arn}")
        return ActionResult({"ResourcePolicy": policy})

    def delete_policy(self: SageMakerResponse) -> Any:
        from moto.core.responses import EmptyResult  # noqa: PLC0415

        group = _model_package_group(self.sagemaker_backend, self._get_param("ModelPackageGroupName"), missing_group)
        if _model_package_group_policies(self.sagemaker_backend).pop(group.model_package_group_name, None) is None:
            raise ValidationError(message=f"Cannot find resource policy for Model Package Group {group.arn}")
        return EmptyResult()

    SageMakerResponse.put_model_package_group_policy = put_policy  # type: ignore[attr-defined]
    SageMakerResponse.get_model_package_group_policy = get_policy  # type: ignore[attr-defined]
    SageMakerResponse.delete_model_package_group_policy = delete_policy  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# UpdateModelPackage keeps what it is not asked to change
# --------------------------------------------------------------------------------------------


def model_package_updates_keep_customer_metadata() -> None:
    """UpdateModelPackage: moto replaces the package's customer metadata with the request's (None
    when the request has none), so an approval wiped what the registration recorded — the archive's
    digest among it. Here, as on AWS: `CustomerMetadataProperties` adds or changes the given keys,
    `CustomerMetadataPropertiesToRemove` removes keys, and the rest is kept."""
    from moto.sagemaker.models import SageMakerModelBackend  # noqa: PLC0415

    original = SageMakerModelBackend.update_model_package

    def update_model_package(
        self: SageMakerModelBackend,
        model_package_arn: str,
        model_approval_status: str | None,
        approval_description: str | None,
        customer_metadata_properties: dict[str, str] | None,
        customer_metadata_properties_to_remove: list[str],
        additional_inference_specifications_to_add: list[Any] | None,
    ) -> str:
        name = self.model_package_name_mapping.get(model_package_arn, model_package_arn)
        package = self.model_packages.get(name)
        kept = dict(getattr(package, "customer_metadata_properties", None) or {})
        arn = original(
            self,
            model_package_arn,
            model_approval_status,
            approval_description,
            {**kept, **(customer_metadata_properties or {})},
            customer_metadata_properties_to_remove,
            additional_inference_specifications_to_add,
        )
        return str(arn)

    SageMakerModelBackend.update_model_package = update_model_package  # type: ignore[method-assign]


def models_keep_network_isolation() -> None:
    """CreateModel's EnableNetworkIsolation is kept (stock moto drops it and DescribeModel always
    answers false); the model's jobs and endpoints read it."""
    from moto.sagemaker.models import sagemaker_backends  # noqa: PLC0415
    from moto.sagemaker.responses import SageMakerResponse  # noqa: PLC0415

    stock = SageMakerResponse.create_model

    def create_model(self: SageMakerResponse) -> Any:
        answer = stock(self)
        model = sagemaker_backends[self.current_account][self.region]._models[self._get_param("ModelName")]
        model.enable_network_isolation = bool(self._get_param("EnableNetworkIsolation", False))
        return answer

    SageMakerResponse.create_model = create_model  # type: ignore[method-assign]
