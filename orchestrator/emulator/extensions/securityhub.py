"""Security Hub: hub configuration and standards subscriptions, missing from the stock emulator."""

from __future__ import annotations

import json
from typing import Any

# Standards Security Hub offers (the ones the AWS documentation lists as generally available), by
# the path after `standards/` or `ruleset/` of their ARN.
REGIONAL_STANDARDS = (
    "aws-foundational-security-best-practices/v/1.0.0",
    "cis-aws-foundations-benchmark/v/1.4.0",
    "cis-aws-foundations-benchmark/v/3.0.0",
    "nist-800-53/v/5.0.0",
    "pci-dss/v/3.2.1",
    "aws-resource-tagging-standard/v/1.0.0",
)
CIS_1_2 = "cis-aws-foundations-benchmark/v/1.2.0"  # a global ARN: arn:<p>:securityhub:::ruleset/...
GENERATORS = ("SECURITY_CONTROL", "STANDARD_CONTROL")
DEFAULT_STANDARDS = ("aws-foundational-security-best-practices/v/1.0.0", CIS_1_2)


def _standards_arn(partition: str, region: str, standard: str) -> str:
    if standard == CIS_1_2:
        return f"arn:{partition}:securityhub:::ruleset/{standard}"
    return f"arn:{partition}:securityhub:{region}::standards/{standard}"


def _standard_of(backend: Any, standards_arn: str) -> str | None:
    """The standard an ARN names in the backend's partition and region, None when it names none."""
    partition = backend.partition
    for standard in (*REGIONAL_STANDARDS, CIS_1_2):
        if standards_arn == _standards_arn(partition, backend.region_name, standard):
            return standard
    return None


def _subscriptions(backend: Any) -> dict[str, dict[str, Any]]:
    """Subscription ARN -> subscription, kept on the backend (saved with it)."""
    if not hasattr(backend, "standards_subscriptions"):
        backend.standards_subscriptions = {}
    return backend.standards_subscriptions  # type: ignore[no-any-return]


def _subscribe(backend: Any, standard: str, standards_input: dict[str, str]) -> dict[str, Any]:
    arn = f"arn:{backend.partition}:securityhub:{backend.region_name}:{backend.account_id}:subscription/{standard}"
    subscription = {
        "StandardsSubscriptionArn": arn,
        "StandardsArn": _standards_arn(backend.partition, backend.region_name, standard),
        "StandardsInput": standards_input,
        "StandardsStatus": "READY",
    }
    _subscriptions(backend)[arn] = subscription
    return subscription


def _not_subscribed() -> Exception:
    from moto.securityhub.exceptions import SecurityHubClientError as RESTError  # noqa: PLC0415

    return RESTError("InvalidAccessException", "Account is not subscribed to AWS Security Hub")


def _invalid(message: str) -> Exception:
    from moto.securityhub.exceptions import SecurityHubClientError as RESTError  # noqa: PLC0415

    return RESTError("InvalidInputException", message)


def hub_configuration_is_kept() -> None:
    """EnableSecurityHub/DescribeHub/UpdateSecurityHubConfiguration: moto ignores
    `ControlFindingGenerator` and `AutoEnableControls` (DescribeHub always answers SECURITY_CONTROL
    and true), has no UpdateSecurityHubConfiguration (HTTP 500), answers a second
    EnableSecurityHub with success and never subscribes the default standards. Here the settings
    are validated, kept and returned; enabling an enabled hub is a `ResourceConflictException`, as
    in AWS; `EnableDefaultStandards` (default true) subscribes the Foundational Security Best
    Practices and CIS 1.2 standards; disabling the hub ends its subscriptions."""
    from moto.securityhub.exceptions import SecurityHubClientError as RESTError  # noqa: PLC0415
    from moto.securityhub.responses import SecurityHubResponse  # noqa: PLC0415

    describe_hub = SecurityHubResponse.describe_hub
    disable_security_hub = SecurityHubResponse.disable_security_hub

    def enable(self: SecurityHubResponse) -> str:
        params = json.loads(self.body) if self.body else {}
        backend = self.securityhub_backend
        if backend.enabled:
            raise RESTError("ResourceConflictException", "Account is already subscribed to Security Hub")
        generator = params.get("ControlFindingGenerator", "SECURITY_CONTROL")
        if generator not in GENERATORS:
            raise _invalid(f"Invalid ControlFindingGenerator: {generator}")
        backend.enable_security_hub(enable_default_standards=False, tags=params.get("Tags") or {})
        backend.hub_settings = {"ControlFindingGenerator": generator, "AutoEnableControls": True}  # type: ignore[attr-defined]
        if params.get("EnableDefaultStandards", True):
            for standard in DEFAULT_STANDARDS:
                _subscribe(backend, standard, {})
        return json.dumps({})

    def describe(self: SecurityHubResponse) -> str:
        answer = json.loads(describe_hub(self))
        answer.update(getattr(self.securityhub_backend, "hub_settings", {}))
        return json.dumps(answer)

    def update(self: SecurityHubResponse) -> str:
        params = json.loads(self.body) if self.body else {}
        backend = self.securityhub_backend
        if not backend.enabled:
            raise _not_subscribed()
        settings = dict(
            getattr(
                backend, "hub_settings", {"ControlFindingGenerator": "SECURITY_CONTROL", "AutoEnableControls": True}
            )
        )
        if "ControlFindingGenerator" in params:
            if params["ControlFindingGenerator"] not in GENERATORS:
                raise _invalid(f"Invalid ControlFindingGenerator: {params['ControlFindingGenerator']}")
            settings["ControlFindingGenerator"] = params["ControlFindingGenerator"]
        if "AutoEnableControls" in params:
            settings["AutoEnableControls"] = bool(params["AutoEnableControls"])
        backend.hub_settings = settings  # type: ignore[attr-defined]
        return json.dumps({})

    def disable(self: SecurityHubResponse) -> str:
        answer = disable_security_hub(self)
        _subscriptions(self.securityhub_backend).clear()
        return answer

    SecurityHubResponse.enable_security_hub = enable  # type: ignore[method-assign]
    SecurityHubResponse.describe_hub = describe  # type: ignore[method-assign]
    SecurityHubResponse.update_security_hub_configuration = update  # type: ignore[attr-defined]
    SecurityHubResponse.disable_security_hub = disable  # type: ignore[method-assign]


def standards_subscriptions_are_supported() -> None:
    """BatchEnableStandards, GetEnabledStandards, BatchDisableStandards: missing from moto (no
    route, HTTP 404/500). Here a subscription to a standard of the hub's partition and region is
    kept per account and region (an unknown standard is an `InvalidInputException`, a hub that is
    not enabled an `InvalidAccessException`), listed, and ended."""
    from moto.securityhub import urls  # noqa: PLC0415
    from moto.securityhub.responses import SecurityHubResponse  # noqa: PLC0415

    for path in ("standards/register", "standards/get", "standards/deregister"):
        urls.url_paths[f"{{0}}/{path}$"] = SecurityHubResponse.dispatch

    def enable_standards(self: SecurityHubResponse) -> str:
        params = json.loads(self.body) if self.body else {}
        backend = self.securityhub_backend
        if not backend.enabled:
            raise _not_subscribed()
        requests = params.get("StandardsSubscriptionRequests") or []
        standards = [(_standard_of(backend, str(r.get("StandardsArn", ""))), r) for r in requests]
        unknown = [r.get("StandardsArn") for standard, r in standards if standard is None]
        if not requests or unknown:
            raise _invalid(f"Invalid StandardsArn: {', '.join(map(str, unknown)) or 'none given'}")
        subscribed = [_subscribe(backend, str(s), r.get("StandardsInput") or {}) for s, r in standards]
        return json.dumps({"StandardsSubscriptions": subscribed})

    def get_enabled(self: SecurityHubResponse) -> str:
        params = json.loads(self.body) if self.body else {}
        backend = self.securityhub_backend
        if not backend.enabled:
            raise _not_subscribed()
        wanted = params.get("StandardsSubscriptionArns")
        subscriptions = [s for arn, s in _subscriptions(backend).items() if not wanted or arn in wanted]
        return json.dumps({"StandardsSubscriptions": subscriptions})

    def disable_standards(self: SecurityHubResponse) -> str:
        params = json.loads(self.body) if self.body else {}
        backend = self.securityhub_backend
        if not backend.enabled:
            raise _not_subscribed()
        subscriptions = _subscriptions(backend)
        arns = params.get("StandardsSubscriptionArns") or []
        missing = [arn for arn in arns if arn not in subscriptions]
        if not arns or missing:
            raise _invalid(f"Invalid StandardsSubscriptionArns: {', '.join(missing) or 'none given'}")
        ended = [dict(subscriptions.pop(arn), StandardsStatus="DELETING") for arn in arns]
        return json.dumps({"StandardsSubscriptions": ended})

    SecurityHubResponse.batch_enable_standards = enable_standards  # type: ignore[attr-defined]
    SecurityHubResponse.get_enabled_standards = get_enabled  # type: ignore[attr-defined]
    SecurityHubResponse.batch_disable_standards = disable_standards  # type: ignore[attr-defined]
