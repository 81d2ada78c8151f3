"""Bucket-policy statements with a Condition no longer apply unconditionally.

moto evaluates bucket policies on object requests but ignores `Condition` blocks, so the
statement every CDK bootstrap bucket and every `enforce_ssl=True` bucket carries,
`Deny s3:* if aws:SecureTransport is false`, denies every request (HTTP 403 on the CDK CLI's
asset upload). In AWS that statement denies only plain-HTTP requests; SDKs use HTTPS. The local
endpoint speaks HTTP only as a transport detail, so statements moto cannot evaluate are skipped
rather than applied to everything.
"""

from __future__ import annotations

import json
from typing import Any

from runner.local.fixes.fix import Fix


def _get_permission(self: Any, action: str, resource: str) -> Any:
    from moto.iam.access_control import IAMPolicy, PermissionResult

    if self.policy is None:
        return PermissionResult.NEUTRAL
    policy = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    unconditional = [statement for statement in statements if "Condition" not in statement]
    if not unconditional:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps({**policy, "Statement": unconditional})).is_action_permitted(action, resource)


def _install() -> None:
    from moto.s3.models import FakeBucket

    FakeBucket.get_permission = _get_permission  # type: ignore[method-assign]


FIX = Fix(
    name="bucket_policy_conditions",
    description="Bucket-policy statements with Conditions (enforce-SSL Deny) stop denying every request",
    install=_install,
)
