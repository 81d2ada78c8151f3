"""Hazards a stack's own templates show: shared names, shared exports, retained resources, names
over a service limit, and ARNs pointing at a fixed account or region."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from runner.deploy.templates import StackTemplate, walk_strings
from runner.naming import squash
from runner.preflight.expressions import NameValue, Scope, evaluate
from runner.preflight.model import Finding, Hazard
from runner.preflight.physical_names import RULES_BY_TYPE, NameRule

RETAINING_POLICIES = ("Retain", "RetainExceptOnCreate", "Snapshot")
EXPORT_NAME_MAX_LENGTH = 255
# `:region:account:` inside an ARN (the region is empty for global services such as IAM).
_ARN_ACCOUNT = re.compile(
    r":(?P<region>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d|):(?P<account>\d{12})(?=[:/]|$)"
)


@dataclass(frozen=True)
class TemplateContext:
    """What tells a per-PR name from a shared one, for one stack."""

    scope: Scope
    base_name: str  # every per-PR stack name starts with it
    per_pr_names: frozenset[str]  # names the renaming made per PR (CDK-generated ones)

    def is_per_pr(self, value: NameValue) -> bool:
        if not value.fixed:
            return True
        text = value.text or ""
        # Built from the PR's stack name at synth (an app reading the context key), maybe squashed
        # into an id the way CDK does (`shop-pr-12` -> `shoppr12Bus...`).
        return text in self.per_pr_names or squash(self.base_name) in squash(text)


def check_template(template: StackTemplate, context: TemplateContext) -> Iterator[Finding]:
    stack = context.scope.stack_name
    for logical_id, resource in template.resources.items():
        label = template.label(logical_id)
        found = resource.get("Properties")
        properties: dict[str, Any] = found if isinstance(found, dict) else {}
        for rule in RULES_BY_TYPE.get(str(resource.get("Type")), ()):
            if rule.name_property in properties:
                yield from _check_name(rule, properties, stack, label, context)
        policy = resource.get("DeletionPolicy")
        if policy in RETAINING_POLICIES:
            yield _retained(str(resource.get("Type")), str(policy), stack, label)
        yield from _pinned_arns(properties, stack, label, context.scope)
    yield from _exports(template, context)


def _check_name(
    rule: NameRule, properties: dict[str, Any], stack: str, label: str, context: TemplateContext
) -> Iterator[Finding]:
    value = evaluate(properties[rule.name_property], context.scope)
    shown = f"{rule.name_property} {value.text!r}" if value.text is not None else rule.name_property
    parent_per_pr = bool(rule.scope_property) and context.is_per_pr(
        evaluate(properties.get(rule.scope_property, "default"), context.scope)
    )
    if not context.is_per_pr(value) and not parent_per_pr:
        yield Finding(
            Hazard.SHARED_NAME,
            stack,
            label,
            f"{shown} is the same for every PR, and {rule.resource_type} names are unique in "
            f"{rule.scope}: a second PR's deploy fails or both PRs share it",
            f"leave out `{rule.cdk_property}` (CloudFormation then names it after the stack), or "
            f'build it from the stack name: `{rule.cdk_property}=f"{{cdk.Aws.STACK_NAME}}-..."`',
        )
    if value.text is not None and len(value.text) > rule.max_length:
        yield Finding(
            Hazard.NAME_TOO_LONG,
            stack,
            label,
            f"{shown} has {len(value.text)} characters with the per-PR stack name; "
            f"{rule.resource_type} allows {rule.max_length}",
            f"shorten `{rule.cdk_property}`, leave it out, or use a shorter --stack-prefix",
        )


def _retained(resource_type: str, policy: str, stack: str, label: str) -> Finding:
    api_account = resource_type == "AWS::ApiGateway::Account" or (
        resource_type == "AWS::IAM::Role" and "/CloudWatchRole" in label
    )
    if api_account:  # a RestApi's CloudWatch role and account setting, which CDK retains by default
        fix = (
            "`cloud_watch_role_removal_policy=RemovalPolicy.DESTROY` on the RestApi "
            "(or `cloud_watch_role=False`)"
        )
    else:
        fix = "`removal_policy=RemovalPolicy.DESTROY`"
        if resource_type == "AWS::S3::Bucket":
            fix += " and `auto_delete_objects=True`"
        fix += " for per-PR copies (on an L1 construct: `.apply_removal_policy(RemovalPolicy.DESTROY)`)"
    left = "a snapshot of it" if policy == "Snapshot" else "it"
    return Finding(
        Hazard.RETAINED,
        stack,
        label,
        f"DeletionPolicy {policy}: destroy leaves {left} behind ({resource_type}), outliving the PR "
        "(and reported as a leftover)",
        fix,
    )


def _pinned_arns(properties: dict[str, Any], stack: str, label: str, scope: Scope) -> Iterator[Finding]:
    pinned: list[str] = []

    def look(text: str) -> str:
        for match in _ARN_ACCOUNT.finditer(text):
            region, account = match.group("region"), match.group("account")
            if account != scope.account:
                pinned.append(f"account {account}")
            if region and region != scope.region:
                pinned.append(f"region {region}")
        return text

    walk_strings(properties, look)
    if pinned:
        yield Finding(
            Hazard.PINNED_ENVIRONMENT,
            stack,
            label,
            f"an ARN names {', '.join(dict.fromkeys(pinned))}: every PR's copy uses that resource, "
            "and it does not exist on another account or the local endpoint",
            "build the ARN from the deploy target: `Stack.of(self).format_arn(...)` or "
            "`cdk.Aws.ACCOUNT_ID` / `cdk.Aws.REGION`",
        )


def _exports(template: StackTemplate, context: TemplateContext) -> Iterator[Finding]:
    for output_id, output in template.body.get("Outputs", {}).items():
        export = output.get("Export") if isinstance(output, dict) else None
        if not isinstance(export, dict) or "Name" not in export:
            continue
        value = evaluate(export["Name"], context.scope)
        if value.text is not None and len(value.text) > EXPORT_NAME_MAX_LENGTH:
            yield Finding(
                Hazard.NAME_TOO_LONG,
                context.scope.stack_name,
                f"output {output_id}",
                f"export name has {len(value.text)} characters with the per-PR stack name; "
                f"CloudFormation allows {EXPORT_NAME_MAX_LENGTH}",
                "use a shorter --stack-prefix, or a shorter construct path for the exported value",
            )
        if not context.is_per_pr(value):
            yield Finding(
                Hazard.SHARED_EXPORT,
                context.scope.stack_name,
                f"output {output_id}",
                f"export name {value.text!r} is the same for every PR; export names are unique in "
                "an account and region, so a second PR's deploy fails",
                "leave out `export_name` (CDK wires cross-stack references itself), or build it from "
                'the stack name: `export_name=f"{self.stack_name}-..."`',
            )
