"""Least-privilege checks over a Terraform plan (`terraform show -json`), independent of checkov.

Findings: an Allow of every action on every resource; iam:PassRole on "*" (or on every role);
a GitHub OIDC trust whose `sub` is not pinned to one repository (and an environment, pull
requests or one exact branch, in GitHub's default subject or the customised `repo`, `context`, `ref`
one that adds the exact branch) or whose `aud` is not checked; an IAM role without a permission
boundary. The one pattern accepted is a pull request's number in the customised pull-request
subject (`repo:<org>/<repo>:pull_request:ref:refs/pull/*/merge`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from orchestrator.policy.evaluator import Request, statement_applies

GITHUB_OIDC = "token.actions.githubusercontent.com"
_REPO = r"repo:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+"
_BRANCH = r"ref:refs/heads/[A-Za-z0-9_./-]+"
PINNED_SUB = re.compile(rf"^{_REPO}:(environment:[A-Za-z0-9_.-]+|pull_request|{_BRANCH})(:{_BRANCH})?$")
PULL_REQUEST_SUB = re.compile(rf"^{_REPO}:pull_request:ref:refs/pull/\*/merge$")
POLICY_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_iam_policy": ("policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_iam_role": ("assume_role_policy",),
    "aws_s3_bucket_policy": ("policy",),
    "aws_kms_key": ("policy",),
    "aws_vpc_endpoint": ("policy",),
}


@dataclass(frozen=True)
class Finding:
    address: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.address}: {self.rule}: {self.detail}"


def _resources(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _resources(child)


def plan_resources(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return list(_resources(plan.get("planned_values", {}).get("root_module", {})))


def _statements(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, str):
        if not document.strip():
            return []
        document = json.loads(document)
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return statements if isinstance(statements, list) else [statements]


def _allows(statement: dict[str, Any], action: str, resource: str) -> bool:
    return statement.get("Effect") == "Allow" and statement_applies(
        {k: v for k, v in statement.items() if k != "Condition"}, Request(action, resource)
    )


def _check_permissions(address: str, statements: list[dict[str, Any]]) -> Iterator[Finding]:
    for statement in statements:
        sid = statement.get("Sid", "?")
        if "Principal" in statement or "NotPrincipal" in statement:
            continue  # resource policies: checked by their own rules (checkov) and tests
        if _allows(statement, "anyservice:AnyAction", "arn:aws:anyservice:::anything"):
            yield Finding(address, "admin-wildcard", f"statement {sid} allows every action on every resource")
        if _allows(statement, "iam:PassRole", "*") or _allows(
            statement, "iam:PassRole", "arn:aws:iam::000000000000:role/any-role-at-all"
        ):
            yield Finding(address, "passrole-wildcard", f"statement {sid} allows iam:PassRole on every role")


def _listed(values: Any, pattern: re.Pattern[str]) -> bool:
    return all(isinstance(v, str) and pattern.match(v) for v in (values if isinstance(values, list) else [values]))


def _check_trust(address: str, statements: list[dict[str, Any]]) -> Iterator[Finding]:
    for statement in statements:
        federated = (
            statement.get("Principal", {}).get("Federated", "") if isinstance(statement.get("Principal"), dict) else ""
        )
        if GITHUB_OIDC not in json.dumps(federated) or statement.get("Effect") != "Allow":
            continue
        conditions = statement.get("Condition", {})
        equals = conditions.get("StringEquals", {})
        key = f"{GITHUB_OIDC}:sub"
        operators = [k for k in conditions if key in conditions[k]]
        if operators == ["StringLike"] and _listed(conditions["StringLike"][key], PULL_REQUEST_SUB):
            pass  # the one pattern: any pull request's number in the customised subject
        elif operators and operators != ["StringEquals"]:
            yield Finding(
                address,
                "oidc-sub-not-exact",
                "the sub condition must use StringEquals, not a pattern (but for repo:<org>/<repo>:pull_request:ref:refs/pull/*/merge)",
            )
        elif not _listed(equals.get(key), PINNED_SUB):
            yield Finding(
                address,
                "oidc-sub-not-pinned",
                f"sub {equals.get(key)!r} is not pinned to repo:<org>/<repo>:environment:<env>, :pull_request or :ref:refs/heads/<branch> (optionally followed by :ref:refs/heads/<branch>)",
            )
        if equals.get(f"{GITHUB_OIDC}:aud") not in ("sts.amazonaws.com", ["sts.amazonaws.com"]):
            yield Finding(address, "oidc-aud-unchecked", "the aud condition must be sts.amazonaws.com")


def lint_plan(plan: dict[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    for resource in plan_resources(plan):
        kind, values, address = (
            str(resource.get("type", "")),
            resource.get("values") or {},
            resource.get("address", "?"),
        )
        for attribute in POLICY_ATTRIBUTES.get(kind, ()):
            statements = _statements(values.get(attribute) or "")
            if kind == "aws_iam_role":
                findings.extend(_check_trust(address, statements))
            elif kind in ("aws_iam_policy", "aws_iam_role_policy"):
                findings.extend(_check_permissions(address, statements))
        if kind == "aws_iam_role" and not values.get("permissions_boundary"):
            findings.append(Finding(address, "missing-boundary", "the role has no permission boundary"))
    return findings
