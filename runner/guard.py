"""Ownership checks: the runner only updates or deletes stacks it created for this repository."""

from __future__ import annotations

from collections.abc import Mapping

from runner.errors import GuardError
from runner.tags import MANAGED, PR, REPOSITORY, is_managed


def ownership_problem(
    stack_name: str, tags: Mapping[str, str], repository: str, pr_number: int | None = None
) -> str | None:
    """Why the runner must not touch this stack, or None when it may: it must carry the managed
    tag, this repository's tag and, when acting for a PR, that PR's tag. Names prove nothing."""
    if not is_managed(tags):
        return f"stack {stack_name} has no {MANAGED}=true tag: serverless-pr-test did not create it"
    owner = tags.get(REPOSITORY, "")
    if owner != repository:
        return f"stack {stack_name} belongs to repository {owner or '(none)'}, not {repository}"
    if pr_number is not None and tags.get(PR, "") != str(pr_number):
        found = tags.get(PR)
        return f"stack {stack_name} belongs to {f'PR #{found}' if found else 'no PR'}, not PR #{pr_number}"
    return None


def require_ownership(
    stacks: Mapping[str, Mapping[str, str]], repository: str, pr_number: int | None = None
) -> None:
    """Check every stack first and refuse all of them together, so nothing is half done."""
    problems = [
        problem
        for name, tags in stacks.items()
        if (problem := ownership_problem(name, tags, repository, pr_number)) is not None
    ]
    if problems:
        raise GuardError("refusing to touch stacks: " + "; ".join(problems))
