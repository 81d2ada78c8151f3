"""Small rules the fault suite (tests/faults) pinned down: one retry budget for every SDK the runner
starts, a throttled CDK CLI recognised from its output, and a never-executed first change set
(REVIEW_IN_PROGRESS) treated as a stack to deploy over or delete, not one to wait for."""

from __future__ import annotations

from pathlib import Path

from runner.aws import MAX_ATTEMPTS, retry_environment
from runner.deploy.cdk import cli_environment, throttled
from runner.shards.plan import ShardSpec
from runner.shards.run_shard import ShardRequest, shard_environment
from runner.stacks import StackPhase


def test_the_cdk_cli_and_the_tests_get_the_runners_retry_budget_unless_the_caller_set_one():
    assert cli_environment({}, {})["AWS_MAX_ATTEMPTS"] == str(MAX_ATTEMPTS)
    assert cli_environment({"AWS_MAX_ATTEMPTS": "4"}, {})["AWS_MAX_ATTEMPTS"] == "4"
    request = ShardRequest(ShardSpec(1, 1), Path(), Path("results"), env={"AWS_RETRY_MODE": "adaptive"})
    env = shard_environment(request, Path("results"))
    assert env["AWS_MAX_ATTEMPTS"] == retry_environment()["AWS_MAX_ATTEMPTS"]
    assert env["AWS_RETRY_MODE"] == "adaptive"


def test_a_cli_that_gave_up_on_throttling_is_told_from_other_failures():
    assert throttled("failed bootstrapping: Throttling: Rate exceeded")
    assert throttled("ThrottlingException: Rate exceeded")
    assert throttled("SlowDown: Please reduce your request rate")
    assert not throttled("Resource handler returned message: Invalid request")
    assert not throttled("the gate refused to open (NoThrottlingHere)")


def test_a_never_executed_first_change_set_is_not_waited_for():
    assert StackPhase.of("REVIEW_IN_PROGRESS") is StackPhase.FAILED
    assert StackPhase.of("CREATE_IN_PROGRESS") is StackPhase.IN_PROGRESS
    assert StackPhase.of("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS") is StackPhase.IN_PROGRESS
