"""What the janitor asks the outside world: PR states from GitHub, test event captures from AWS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from botocore.exceptions import ClientError
from github import Github, GithubException

from runner.destroy.capture_sweep import sweep_captures
from runner.testing.events import CAPTURE_PREFIX


class PrState(Enum):
    OPEN = "open"
    CLOSED = "closed"  # merged PRs are closed too
    UNKNOWN = "unknown"  # not found, or GitHub could not be asked: never a reason to delete


class PullRequestStates:
    """PR states, one GET /repos/{repo}/pulls/{n} per PR number (cached), through PyGithub."""

    def __init__(self, github: Github | None, repository: str, echo: Callable[[str], None] = print) -> None:
        self._github = github
        self._repository = repository
        self._echo = echo
        self._known: dict[int, PrState] = {}
        self.unanswered: dict[int, str] = {}  # PR number -> why GitHub could not say

    def __call__(self, number: int) -> PrState:
        if number not in self._known:
            self._known[number] = self._ask(number)
        return self._known[number]

    def _ask(self, number: int) -> PrState:
        if self._github is None:
            return PrState.UNKNOWN
        try:
            state = self._github.get_repo(self._repository, lazy=True).get_pull(number).state
        except GithubException as error:
            if error.status != 404:  # a deleted PR is simply unknown; anything else is a failure
                self.unanswered[number] = f"GitHub answered {error.status}"
            self._echo(f"PR #{number}: GitHub answered {error.status}; treating its state as unknown")
            return PrState.UNKNOWN
        except Exception as error:  # retries used up on 5xx, network down: unknown means keep
            self.unanswered[number] = f"{type(error).__name__}: {error}"
            self._echo(f"PR #{number}: GitHub could not be asked ({type(error).__name__}); state unknown")
            return PrState.UNKNOWN
        return PrState.CLOSED if state == "closed" else PrState.OPEN


class CaptureKind(Enum):
    RULE = "EventBridge rule"
    QUEUE = "SQS queue"


@dataclass(frozen=True)
class Capture:
    kind: CaptureKind
    name: str
    tags: dict[str, str]
    bus: str = ""  # rules only
    url: str = ""  # queues only


class CaptureStore:
    """Test event captures (`spt-capture-*` rules and queues) with their tags."""

    def __init__(self, events_client: Any, sqs_client: Any) -> None:
        self._events = events_client
        self._sqs = sqs_client

    def list(self) -> list[Capture]:
        """Rules first: removing a rule also removes the queue it targets."""
        return [*self._rules(), *self._queues()]

    def _buses(self) -> Iterator[str]:
        token = None
        while True:
            page = self._events.list_event_buses(**({"NextToken": token} if token else {}))
            yield from (bus["Name"] for bus in page.get("EventBuses", []))
            token = page.get("NextToken")
            if not token:
                return

    def _rules(self) -> Iterator[Capture]:
        for bus in self._buses():
            paginator = self._events.get_paginator("list_rules")
            for page in paginator.paginate(NamePrefix=CAPTURE_PREFIX, EventBusName=bus):
                for rule in page.get("Rules", []):
                    listed = self._events.list_tags_for_resource(ResourceARN=rule["Arn"]).get("Tags", [])
                    tags = {tag["Key"]: tag["Value"] for tag in listed}
                    yield Capture(CaptureKind.RULE, rule["Name"], tags, bus=bus)

    def _queues(self) -> Iterator[Capture]:
        paginator = self._sqs.get_paginator("list_queues")
        for page in paginator.paginate(QueueNamePrefix=CAPTURE_PREFIX):
            for url in page.get("QueueUrls", []):
                tags = self._sqs.list_queue_tags(QueueUrl=url).get("Tags", {})
                yield Capture(CaptureKind.QUEUE, url.rsplit("/", 1)[-1], dict(tags), url=url)

    def remove(self, capture: Capture) -> None:
        if capture.kind is CaptureKind.RULE:
            # The rule's full name as the "run id" makes sweep_captures' name prefix match only it.
            sweep_captures(self._events, self._sqs, [capture.bus], run_id=capture.name[len(CAPTURE_PREFIX) :])
            return
        try:
            self._sqs.delete_queue(QueueUrl=capture.url)
        except ClientError as error:
            # Already removed with its rule earlier in this sweep.
            if "NonExistent" not in error.response.get("Error", {}).get("Code", ""):
                raise
