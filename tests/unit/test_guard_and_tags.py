from datetime import UTC, datetime, timedelta

import pytest

from runner.errors import GuardError
from runner.guard import ownership_problem, require_ownership
from runner.tags import EXPIRES_AT, MANAGED, PR, REPOSITORY, StackTags, parse_time


def managed_tags(repository="org/shop"):
    return {MANAGED: "true", REPOSITORY: repository}


def test_tags_carry_marker_repository_pr_commit_run_and_expiry():
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    tags = StackTags.for_run("org/shop", 12, "abc123", "99-1", timedelta(hours=24), now=now).as_dict()
    assert tags[MANAGED] == "true"
    assert tags[REPOSITORY] == "org/shop"
    assert tags[PR] == "12"
    assert parse_time(tags[EXPIRES_AT]) == now + timedelta(hours=24)


def test_stack_without_managed_tag_is_refused():
    assert "did not create it" in ownership_problem("x", {}, "org/shop")


def test_stack_of_another_repository_is_refused():
    problem = ownership_problem("x", managed_tags("org/other"), "org/shop")
    assert problem is not None
    assert "org/other" in problem


def test_our_stack_is_allowed():
    assert ownership_problem("x", managed_tags(), "org/shop") is None


def test_require_ownership_names_every_refused_stack():
    with pytest.raises(GuardError) as raised:
        require_ownership({"a": {}, "b": managed_tags("org/other"), "c": managed_tags()}, "org/shop")
    assert "stack a" in str(raised.value)
    assert "stack b" in str(raised.value)
    assert "stack c" not in str(raised.value)
