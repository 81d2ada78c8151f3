"""What a CloudFormation name expression will be at deploy time, as far as the template tells.

`fixed` means the same for every PR (only literals and pseudo parameters like the account and
region); `text` is the value when every part is known (the per-PR stack name included), for the
length check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PLACEHOLDER_ACCOUNT = "123456789012"  # every account id has 12 digits
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


@dataclass(frozen=True)
class NameValue:
    text: str | None  # None when some part is only known at deploy time
    fixed: bool  # the same for every PR


@dataclass(frozen=True)
class Scope:
    """What the expression may refer to: the per-PR stack name and the deploy target."""

    stack_name: str
    region: str
    account: str | None


def evaluate(node: Any, scope: Scope) -> NameValue:
    if isinstance(node, str):
        return NameValue(node, True)
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return NameValue(str(node), True)
    if isinstance(node, dict) and len(node) == 1:
        [(function, argument)] = node.items()
        if function == "Ref" and isinstance(argument, str):
            return _reference(argument, scope)
        if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
            separator, parts = argument
            if isinstance(separator, str) and isinstance(parts, list):
                return _join(separator, [evaluate(part, scope) for part in parts])
        if function == "Fn::Sub":
            return _sub(argument, scope)
    # Fn::GetAtt, Fn::ImportValue, Fn::If, Fn::Select...: a value this PR's stacks produce.
    return NameValue(None, False)


def _reference(name: str, scope: Scope) -> NameValue:
    if name == "AWS::StackName":
        return NameValue(scope.stack_name, False)
    if name == "AWS::Region":
        return NameValue(scope.region, True)
    if name == "AWS::AccountId":
        return NameValue(scope.account or PLACEHOLDER_ACCOUNT, True)
    if name == "AWS::Partition":
        return NameValue("aws", True)
    if name == "AWS::URLSuffix":
        return NameValue("amazonaws.com", True)
    # A parameter takes whatever each deploy passes; a resource or AWS::StackId is per PR.
    return NameValue(None, False)


def _join(separator: str, parts: list[NameValue]) -> NameValue:
    texts = [part.text for part in parts]
    text = separator.join(item for item in texts if item is not None) if None not in texts else None
    return NameValue(text, all(part.fixed for part in parts))


def _sub(argument: Any, scope: Scope) -> NameValue:
    template, variables = (argument, {}) if isinstance(argument, str) else (None, {})
    if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
        template = argument[0]
        variables = argument[1] if isinstance(argument[1], dict) else {}
    if template is None:
        return NameValue(None, False)
    parts: list[NameValue] = []
    position = 0
    for match in _SUB_VARIABLE.finditer(template):
        parts.append(NameValue(template[position : match.start()], True))
        name = match.group(1)
        if name in variables:
            parts.append(evaluate(variables[name], scope))
        elif "." in name:
            parts.append(NameValue(None, False))  # ${Resource.Attribute}
        else:
            parts.append(_reference(name, scope))
        position = match.end()
    parts.append(NameValue(template[position:], True))
    return _join("", parts)
