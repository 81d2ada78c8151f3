"""Deleting a stack whose export another stack imports fails the stack, not the call.

What AWS does: DeleteStack is accepted; the stack goes `DELETE_IN_PROGRESS`, then `DELETE_FAILED`
with "Export <name> cannot be deleted as it is in use by <stack>", every resource kept; deleting
the importing stack first lets it go. What MiniStack 1.5.33 did: refused the DeleteStack call
itself (ValidationError "Export <name> is imported by stack <stack>"), which the CDK CLI and this
project's destroy report as a different failure.

Wraps the DeleteStack action handler: turns that refusal into AWS's failed stack.
"""

from __future__ import annotations

import re
from typing import Any

REFUSAL = re.compile(rb"Export (?P<export>\S+) is imported by stack (?P<importer>[^<\s]+)")


def apply() -> None:
    from ministack.services.cloudformation import handlers, stacks

    original = handlers._ACTION_HANDLERS["DeleteStack"]

    def delete_stack(params: Any) -> Any:
        answer = original(params)
        status, _headers, body = answer
        refusal = REFUSAL.search(body) if status == 400 else None
        stack = handlers._resolve_stack(handlers._p(params, "StackName")) if refusal else None
        if refusal is None or stack is None:
            return answer
        reason = (
            f"Export {refusal['export'].decode()} cannot be deleted as it is in use by "
            f"{refusal['importer'].decode()}"
        )
        name, stack_id = stack["StackName"], stack["StackId"]
        stack_type = "AWS::CloudFormation::Stack"
        stacks._add_event(stack_id, name, name, stack_type, "DELETE_IN_PROGRESS", "User Initiated", stack_id)
        stacks._add_event(stack_id, name, name, stack_type, "DELETE_FAILED", reason, stack_id)
        stack["StackStatus"] = "DELETE_FAILED"
        stack["StackStatusReason"] = reason
        return handlers._xml(200, "DeleteStackResponse", "")

    handlers._ACTION_HANDLERS["DeleteStack"] = delete_stack
