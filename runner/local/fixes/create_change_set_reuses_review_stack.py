"""A CREATE change set for a stack name that is taken behaves like CloudFormation.

moto's CreateChangeSet (type CREATE) always registers a new stack, so retrying a first deploy
whose change set was never executed (stack left REVIEW_IN_PROGRESS, which the CDK CLI treats as
"not deployed yet") gives two stacks with one name, and a CREATE for a deployed stack silently
shadows it. CloudFormation reuses the REVIEW_IN_PROGRESS stack and refuses a name that is deployed
(AlreadyExistsException).
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix


def _create_change_set(original: Any) -> Any:
    def create_change_set(self: Any, stack_name: str, change_set_name: str, *args: Any, **kwargs: Any) -> Any:
        # (template, parameters, description, change_set_type, ...) follow the two names.
        change_set_type = kwargs.get("change_set_type", args[3] if len(args) > 3 else "CREATE")
        if change_set_type == "CREATE":
            from moto.cloudformation.exceptions import AlreadyExistsException

            for stack in list(self.stacks.values()):
                if stack.name != stack_name:
                    continue
                if stack.status != "REVIEW_IN_PROGRESS":
                    raise AlreadyExistsException(f"Stack [{stack_name}] already exists")
                # Nothing was ever deployed: start the review again from a clean stack.
                del self.stacks[stack.stack_id]
                for change_set_id, change_set in list(self.change_sets.items()):
                    if change_set.stack_id == stack.stack_id:
                        del self.change_sets[change_set_id]
        return original(self, stack_name, change_set_name, *args, **kwargs)

    return create_change_set


def _install() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    CloudFormationBackend.create_change_set = _create_change_set(CloudFormationBackend.create_change_set)  # type: ignore[method-assign]


FIX = Fix(
    name="create_change_set_reuses_review_stack",
    description="A CREATE change set reuses a REVIEW_IN_PROGRESS stack and refuses a deployed name",
    install=_install,
)
