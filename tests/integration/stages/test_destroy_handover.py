"""Destroy rules the fault suite (tests/faults) exposed: a run leaves a stack another run has deployed
since to that run; log groups are deleted only when a function of the stack writes there."""

from runner.stacks import Stacks
from runner.tags import RUN_ID

from .conftest import REPOSITORY_NAME, create_stack, managed_tags
from .test_destroy import QUEUE, destroyer, live


def test_a_run_leaves_the_stack_another_run_deployed_since_and_that_run_destroys_it(
    target, clients, stack_name
):
    create_stack(clients, stack_name, QUEUE, tags=[*managed_tags(), {"Key": RUN_ID, "Value": "run-2"}])
    messages = []
    outcome = destroyer(target, messages).destroy([stack_name], REPOSITORY_NAME, 1, run_id="run-1")
    assert outcome.handed_over == (stack_name,)
    assert outcome.summary() == "destroyed 0 stack(s), 1 left to a newer run, 0 leftovers"
    assert f"{stack_name}: deployed since by run run-2; left to that run" in messages
    assert live(clients, stack_name)

    outcome = destroyer(target, []).destroy([stack_name], REPOSITORY_NAME, 1, run_id="run-2")
    assert outcome.deleted == (stack_name,)
    assert not live(clients, stack_name)


def test_destroy_without_a_run_id_deletes_whichever_run_deployed_last(target, clients, stack_name):
    create_stack(clients, stack_name, QUEUE, tags=[*managed_tags(), {"Key": RUN_ID, "Value": "run-9"}])
    assert destroyer(target, []).destroy([stack_name], REPOSITORY_NAME, 1).deleted == (stack_name,)
    assert stack_name not in Stacks(clients("cloudformation")).live_stack_names()


def test_log_groups_that_only_share_the_stack_name_prefix_are_never_deleted(target, clients, stack_name):
    create_stack(clients, stack_name, QUEUE)
    lookalike = f"/aws/lambda/{stack_name}-Handler-NOTINTHESTACK"
    neighbour = f"/aws/lambda/{stack_name}0-Handler-KEEPME"
    for group in (lookalike, neighbour):
        clients("logs").create_log_group(logGroupName=group)
    destroyer(target, []).destroy([stack_name], REPOSITORY_NAME, 1)
    remaining = [g["logGroupName"] for g in clients("logs").describe_log_groups()["logGroups"]]
    assert lookalike in remaining  # no function of the stack writes there: not proven ours
    assert neighbour in remaining
    for group in (lookalike, neighbour):
        clients("logs").delete_log_group(logGroupName=group)
