"""Operations on one stack run one at a time, as CloudFormation serializes them.

moto's server is threaded and its CloudFormation backend has no locking: two deploys of the same
PR at once interleave inside it (one CREATE change set deletes the REVIEW_IN_PROGRESS stack the
other is executing), leaving resources that belong to no stack. CloudFormation applies one
operation per stack at a time and refuses the other (`AlreadyExistsException`, or "is in
CREATE_IN_PROGRESS state and can not be updated"). Each mutating call holds its stack's lock;
reads are not blocked, so a long create (a custom resource waiting) still shows CREATE_IN_PROGRESS.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from runner.local.fixes.fix import Fix

_locks: dict[str, threading.RLock] = {}
_locks_guard = threading.Lock()


def _lock_for(stack_name: str) -> threading.RLock:
    with _locks_guard:
        return _locks.setdefault(stack_name, threading.RLock())


def _stack_name(backend: Any, name_or_id: str | None) -> str:
    """Stack ARNs and names both map to the name (a stack id is reused only by its own stack)."""
    if name_or_id is None:
        return ""
    stack = backend.stacks.get(name_or_id)
    return str(stack.name) if stack is not None else name_or_id


def _execute_target(backend: Any, change_set_name: str = "", stack_name: str | None = None) -> str:
    if stack_name:
        return _stack_name(backend, stack_name)
    change_set = backend.change_sets.get(change_set_name)
    return _stack_name(backend, change_set.stack_id) if change_set is not None else change_set_name


def _named(parameter: str) -> Callable[..., str]:
    """The stack a call is about: its first argument, by position or by name."""

    def target(backend: Any, *args: Any, **kwargs: Any) -> str:
        return _stack_name(backend, args[0] if args else kwargs.get(parameter))

    return target


def _serialized(method: Callable[..., Any], target: Callable[..., str]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _lock_for(target(self, *args, **kwargs)):
            return method(self, *args, **kwargs)

    return locked


def _install() -> None:
    from moto.cloudformation.models import CloudFormationBackend as Backend

    Backend.create_stack = _serialized(Backend.create_stack, _named("name"))  # type: ignore[method-assign]
    Backend.update_stack = _serialized(Backend.update_stack, _named("name"))  # type: ignore[method-assign]
    Backend.delete_stack = _serialized(Backend.delete_stack, _named("name_or_stack_id"))  # type: ignore[method-assign]
    Backend.create_change_set = _serialized(Backend.create_change_set, _named("stack_name"))  # type: ignore[method-assign]
    Backend.execute_change_set = _serialized(Backend.execute_change_set, _execute_target)  # type: ignore[method-assign]


FIX = Fix(
    name="stack_operations_serialized",
    description="Mutating calls on one stack hold that stack's lock, as CloudFormation runs one at a time",
    install=_install,
)
