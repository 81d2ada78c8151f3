"""Ownership checks: the runner only updates or deletes stacks it created for this repository."""

from __future__ import annotations

from collections.abc import Mapping

from runner.errors import GuardError
from runner.tags import MANAGED, REPOSITORY, is_managed


def ownership_problem(stack_name: str, tags: Mapping[str, str], repository: str) -> str | None:
    """Why the runner must not touch this stack, or None when it may."""
    if not is_managed(tags):
        return f"stack {stack_name} has no {MANAGED}=true tag: serverless-pr-test did not create it"
    owner = tags.get(REPOSITORY, "")
    if owner != repository:
        return f"stack {stack_name} belongs to repository {owner or '(none)'}, not {repository}"
    return None


def require_ownership(stacks: Mapping[str, Mapping[str, str]], repository: str) -> None:
    """Check every stack first and refuse all of them together, so nothing is half done."""
    problems = [
        problem
        for name, tags in stacks.items()
        if (problem := ownership_problem(name, tags, repository)) is not None
    ]
    if problems:
        raise GuardError("refusing to touch stacks: " + "; ".join(problems))
