"""Stacks.wait_until_settled against a tiny CloudFormation stand-in that replays a status sequence."""

from datetime import UTC, datetime

import pytest

from runner.errors import WaitTimeoutError
from runner.polling import Clock
from runner.stacks import EventFeed, StackPhase, Stacks

NO_SLEEP = Clock(sleep=lambda seconds: None)


class ScriptedCloudFormation:
    """Answers describe_stacks with the next scripted status; None means the stack is gone."""

    class exceptions:
        ClientError = type("ClientError", (Exception,), {"response": {}})

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.events = []

    def describe_stacks(self, StackName):
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        if status is None:
            error = self.exceptions.ClientError()
            error.response = {"Error": {"Message": f"Stack with id {StackName} does not exist"}}
            raise error
        self.events.append(
            {
                "EventId": str(len(self.events)),
                "StackName": StackName,
                "Timestamp": datetime.now(UTC),
                "LogicalResourceId": StackName,
                "ResourceType": "AWS::CloudFormation::Stack",
                "ResourceStatus": status,
            }
        )
        return {"Stacks": [{"StackName": StackName, "StackStatus": status}]}

    def describe_stack_events(self, StackName):
        return {"StackEvents": list(reversed(self.events))}


@pytest.mark.parametrize(
    ("status", "phase"),
    [
        ("CREATE_COMPLETE", StackPhase.COMPLETE),
        ("UPDATE_COMPLETE", StackPhase.COMPLETE),
        ("UPDATE_ROLLBACK_IN_PROGRESS", StackPhase.IN_PROGRESS),
        ("ROLLBACK_COMPLETE", StackPhase.FAILED),
        ("DELETE_FAILED", StackPhase.FAILED),
        ("DELETE_COMPLETE", StackPhase.DELETED),
        (None, StackPhase.DELETED),
    ],
)
def test_stack_statuses_map_to_phases(status, phase):
    assert StackPhase.of(status) is phase


def test_waiting_prints_each_event_once_until_the_stack_settles():
    client = ScriptedCloudFormation(["UPDATE_IN_PROGRESS", "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE"])
    printed, slept = [], []
    clock = Clock(now=lambda: sum(slept), sleep=slept.append)
    state = Stacks(client).wait_until_settled(
        "shop-pr-1", EventFeed("shop-pr-1"), printed.append, timeout_seconds=60, clock=clock
    )
    assert state.status == "UPDATE_COMPLETE"
    assert [event.status for event in printed] == [
        "UPDATE_IN_PROGRESS",
        "UPDATE_IN_PROGRESS",
        "UPDATE_COMPLETE",
    ]
    # Two waits, each a jittered draw below a ceiling that starts at 0.25 s and doubles.
    assert len(slept) == 2
    assert 0 <= slept[0] <= 0.25
    assert 0 <= slept[1] <= 0.5


def test_a_stack_that_disappears_while_waiting_counts_as_deleted():
    client = ScriptedCloudFormation(["DELETE_IN_PROGRESS", None])
    assert (
        Stacks(client).wait_until_settled(
            "s", EventFeed("s"), lambda e: None, 60, clock=Clock(sleep=lambda s: None)
        )
        is None
    )


def test_a_stack_stuck_in_progress_times_out_with_a_clear_error():
    client = ScriptedCloudFormation(["CREATE_IN_PROGRESS"])
    ticks = iter(range(0, 1000, 10))
    with pytest.raises(WaitTimeoutError, match="still CREATE_IN_PROGRESS after 30 s"):
        Stacks(client).wait_until_settled(
            "s",
            EventFeed("s"),
            lambda e: None,
            30,
            clock=Clock(now=lambda: next(ticks), sleep=lambda s: None),
        )
