"""Change sets are found by name within their stack.

moto looks change sets up by name across every stack, so two stacks using the same change-set
name (the CDK CLI always uses `cdk-deploy-change-set`) describe, execute or delete each other's
change sets. CloudFormation scopes a change-set name to the StackName given with it, and
ListChangeSets to one stack.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix


def _change_set_not_found(name: str) -> Exception:
    from moto.cloudformation.exceptions import CloudFormationError

    class ChangeSetNotFoundError(CloudFormationError):
        code = "ChangeSetNotFound"

    return ChangeSetNotFoundError(f"ChangeSet [{name}] does not exist")


def lookup_change_set(backend: Any, name_or_arn: str, stack_name_or_id: str | None) -> Any | None:
    """The change set an API call means: by ARN, else the newest with that name in that stack."""
    if name_or_arn in backend.change_sets:
        return backend.change_sets[name_or_arn]
    matches = [
        change_set
        for change_set in backend.change_sets.values()
        if change_set.change_set_name == name_or_arn
        and (stack_name_or_id is None or stack_name_or_id in (change_set.stack_name, change_set.stack_id))
    ]
    return matches[-1] if matches else None


def find_change_set(backend: Any, name_or_arn: str, stack_name_or_id: str | None) -> Any:
    change_set = lookup_change_set(backend, name_or_arn, stack_name_or_id)
    if change_set is None:
        raise _change_set_not_found(name_or_arn)
    return change_set


def _describe_change_set(self: Any) -> Any:
    from moto.core.responses import ActionResult

    change_set = find_change_set(
        self.cloudformation_backend, self._get_param("ChangeSetName"), self._get_param("StackName")
    )
    return ActionResult(change_set)


def _execute_change_set(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    change_set = find_change_set(
        self.cloudformation_backend, self._get_param("ChangeSetName"), self._get_param("StackName")
    )
    self.cloudformation_backend.execute_change_set(
        change_set_name=change_set.change_set_id, stack_name=change_set.stack_name
    )
    return EmptyResult()


def _delete_change_set(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    backend = self.cloudformation_backend
    name, stack_name = self._get_param("ChangeSetName"), self._get_param("StackName")
    change_set = lookup_change_set(backend, name, stack_name)
    if change_set is None:
        if stack_name is None:
            raise _change_set_not_found(name)
        # CloudFormation: deleting an unknown change-set name succeeds while the stack exists (the
        # CDK CLI relies on this before every deploy); get_stack raises for an unknown stack.
        backend.get_stack(stack_name)
        return EmptyResult()
    backend.delete_change_set(change_set_name=change_set.change_set_id)
    return EmptyResult()


def _list_change_sets(self: Any) -> Any:
    from moto.core.responses import ActionResult

    stack_name = self._get_param("StackName")
    summaries = [
        change_set
        for change_set in self.cloudformation_backend.list_change_sets()
        if stack_name is None or stack_name in (change_set.stack_name, change_set.stack_id)
    ]
    return ActionResult({"Summaries": summaries})


def _install() -> None:
    from moto.cloudformation.responses import CloudFormationResponse

    CloudFormationResponse.describe_change_set = _describe_change_set  # type: ignore[method-assign]
    CloudFormationResponse.execute_change_set = _execute_change_set  # type: ignore[method-assign]
    CloudFormationResponse.delete_change_set = _delete_change_set  # type: ignore[method-assign]
    CloudFormationResponse.list_change_sets = _list_change_sets  # type: ignore[method-assign]


FIX = Fix(
    name="change_set_lookup_per_stack",
    description="Change-set names resolve within the given StackName, not across all stacks",
    install=_install,
)
