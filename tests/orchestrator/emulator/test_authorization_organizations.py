"""Organizations calls are decided as IAM would: reads and writes alike on "*" (writes were served
unevaluated, so any role could create or move accounts)."""

from __future__ import annotations

import pytest

from orchestrator.emulator.authorization.actions import Check, Where, checks_for
from orchestrator.emulator.authorization.calls import Call


@pytest.mark.parametrize(
    "operation",
    [
        "ListAccountsForParent",
        "ListChildren",
        "DescribeOrganizationalUnit",
        "CreateAccount",
        "MoveAccount",
        "CloseAccount",
    ],
)
def test_every_organizations_call_is_decided(operation: str) -> None:
    call = Call("organizations", operation, {}, "us-east-1", "json", "POST")
    assert checks_for(call, Where("101010101010")) == [Check(f"organizations:{operation}", "*")]
