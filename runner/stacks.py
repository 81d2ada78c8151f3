"""CloudFormation stacks through boto3: state, outputs, events as they arrive, guarded waits."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from runner.errors import WaitTimeoutError
from runner.polling import SYSTEM_CLOCK, Backoff, Clock, eventually

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient


# Stacks take seconds to minutes: polls start at up to 0.25 s apart and grow to at most 5 s.
STACK_BACKOFF = Backoff(initial=0.25, max_delay=5.0, overshoot=0.25, floor=0.25)


class StackPhase(Enum):
    """What a stack status means for the runner."""

    COMPLETE = "complete"  # CREATE_COMPLETE, UPDATE_COMPLETE, IMPORT_COMPLETE
    IN_PROGRESS = "in_progress"  # any *_IN_PROGRESS: wait before acting
    FAILED = "failed"  # rolled back or failed: the stack exists but is unusable
    DELETED = "deleted"  # DELETE_COMPLETE or no such stack

    @classmethod
    def of(cls, status: str | None) -> StackPhase:
        if status is None or status == "DELETE_COMPLETE":
            return cls.DELETED
        if status == "REVIEW_IN_PROGRESS":
            # A first change set created but never executed (its deploy was cancelled): nothing is
            # running and it never settles by itself; deploy reuses it, destroy deletes it.
            return cls.FAILED
        if status.endswith("_IN_PROGRESS"):
            return cls.IN_PROGRESS
        if status in {"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"}:
            return cls.COMPLETE
        return cls.FAILED


@dataclass(frozen=True)
class StackState:
    name: str
    stack_id: str
    status: str
    status_reason: str
    tags: dict[str, str]
    outputs: dict[str, str]
    created_at: datetime | None

    @property
    def phase(self) -> StackPhase:
        return StackPhase.of(self.status)


@dataclass(frozen=True)
class StackEvent:
    event_id: str
    stack_name: str
    timestamp: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str
    physical_id: str = ""

    def line(self) -> str:
        reason = f"  {self.reason}" if self.reason else ""
        return (
            f"  {self.timestamp:%H:%M:%S} {self.stack_name:<24} {self.status:<22} "
            f"{self.resource_type:<32} {self.logical_id}{reason}"
        )


@dataclass(frozen=True)
class StackResource:
    logical_id: str
    physical_id: str
    resource_type: str
    status: str
    reason: str


def failure_reasons(events: Iterable[StackEvent]) -> list[str]:
    """The resource-level reasons CloudFormation gave for a failure, in order, without repeats."""
    reasons = [
        f"{event.logical_id} ({event.resource_type}): {event.reason}"
        for event in events
        if event.status.endswith("_FAILED")
        and event.reason
        and event.resource_type != "AWS::CloudFormation::Stack"
    ]
    return list(dict.fromkeys(reasons))


def _is_missing(error: Exception) -> bool:
    response: dict[str, Any] = getattr(error, "response", {}) or {}
    message = str(response.get("Error", {}).get("Message", ""))
    return "does not exist" in message


@dataclass
class EventFeed:
    """Remembers which events were shown, so each poll prints only the new ones, oldest first."""

    stack_name: str
    since: datetime | None = None
    seen: set[str] = field(default_factory=set)


class Stacks:
    """The CloudFormation calls the runner makes, behind one small class that takes its client."""

    def __init__(self, client: CloudFormationClient) -> None:
        self._client = client

    def describe(self, name: str) -> StackState | None:
        """The stack's state, or None when there is no such (live) stack."""
        try:
            found = self._client.describe_stacks(StackName=name)["Stacks"]
        except self._client.exceptions.ClientError as error:
            if _is_missing(error):
                return None
            raise
        if not found:
            return None
        stack = found[0]
        return StackState(
            name=stack["StackName"],
            stack_id=stack.get("StackId", ""),
            status=stack["StackStatus"],
            status_reason=stack.get("StackStatusReason", ""),
            tags={tag["Key"]: tag["Value"] for tag in stack.get("Tags", [])},
            outputs={out["OutputKey"]: out.get("OutputValue", "") for out in stack.get("Outputs", [])},
            created_at=stack.get("CreationTime"),
        )

    def live_stack_names(self) -> list[str]:
        """Names of every stack that is not DELETE_COMPLETE."""
        names: list[str] = []
        paginator = self._client.get_paginator("list_stacks")
        for page in paginator.paginate():
            for summary in page["StackSummaries"]:
                if summary["StackStatus"] != "DELETE_COMPLETE":
                    names.append(summary["StackName"])
        return sorted(set(names))

    def resources(self, name: str) -> list[StackResource]:
        try:
            paginator = self._client.get_paginator("list_stack_resources")
            return [
                StackResource(
                    logical_id=item["LogicalResourceId"],
                    physical_id=item.get("PhysicalResourceId", ""),
                    resource_type=item["ResourceType"],
                    status=item["ResourceStatus"],
                    reason=item.get("ResourceStatusReason", ""),
                )
                for page in paginator.paginate(StackName=name)
                for item in page["StackResourceSummaries"]
            ]
        except self._client.exceptions.ClientError as error:
            if _is_missing(error):
                return []
            raise

    def new_events(self, feed: EventFeed) -> list[StackEvent]:
        """Events of `feed.stack_name` not shown yet (and not older than `feed.since`), oldest first."""
        try:
            raw = self._client.describe_stack_events(StackName=feed.stack_name)["StackEvents"]
        except self._client.exceptions.ClientError as error:
            if _is_missing(error):
                return []
            raise
        fresh: list[StackEvent] = []
        for item in raw:
            if item["EventId"] in feed.seen:
                continue
            if feed.since is not None and item["Timestamp"] < feed.since:
                feed.seen.add(item["EventId"])
                continue
            feed.seen.add(item["EventId"])
            fresh.append(
                StackEvent(
                    event_id=item["EventId"],
                    stack_name=item.get("StackName", feed.stack_name),
                    timestamp=item["Timestamp"],
                    logical_id=item.get("LogicalResourceId", ""),
                    resource_type=item.get("ResourceType", ""),
                    status=item.get("ResourceStatus", ""),
                    reason=item.get("ResourceStatusReason", ""),
                    physical_id=item.get("PhysicalResourceId", ""),
                )
            )
        return sorted(fresh, key=lambda event: event.timestamp)

    def deletion_policies(self, name: str) -> dict[str, str] | None:
        """`DeletionPolicy` by logical id (default Delete), or None when the template is not JSON."""
        try:
            body: Any = self._client.get_template(StackName=name, TemplateStage="Original")["TemplateBody"]
        except self._client.exceptions.ClientError as error:
            if _is_missing(error):
                return {}
            raise
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except ValueError:
                return None  # YAML: the caller falls back to reacting to DELETE_FAILED
        resources = body.get("Resources", {}) if isinstance(body, dict) else {}
        return {
            logical_id: str(resource.get("DeletionPolicy", "Delete"))
            for logical_id, resource in resources.items()
            if isinstance(resource, dict)
        }

    def delete(self, name: str) -> None:
        self._client.delete_stack(StackName=name)

    def wait_until_settled(
        self,
        name: str,
        feed: EventFeed,
        on_event: Callable[[StackEvent], None],
        timeout_seconds: float,
        clock: Clock = SYSTEM_CLOCK,
        rng: random.Random | None = None,
    ) -> StackState | None:
        """Poll until the stack is no longer *_IN_PROGRESS, printing events as they arrive.

        Returns the settled state (None once deleted). The project's one polling helper paces it:
        quick stacks settle fast, slow ones do not flood the API (at most one call per 5 s).
        """
        last: list[StackState] = []

        def poll() -> StackState | None:
            for event in self.new_events(feed):
                on_event(event)
            state = self.describe(name)
            last[:] = [state] if state is not None else []
            return state

        try:
            state = eventually(
                poll,
                timeout=timeout_seconds,
                until=lambda state: state is None or state.phase is not StackPhase.IN_PROGRESS,
                backoff=STACK_BACKOFF,
                retry_on=(),
                clock=clock,
                rng=rng,
            )
        except AssertionError:
            status = last[0].status if last else "IN_PROGRESS"
            raise WaitTimeoutError(
                f"stack {name} still {status} after {timeout_seconds:.0f} s; "
                "re-run destroy later or check the CloudFormation console"
            ) from None
        for event in self.new_events(feed):
            on_event(event)
        return state
