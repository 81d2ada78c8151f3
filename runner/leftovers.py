"""What a destroyed PR environment left behind, found by tags on AWS or by name on the local endpoint."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from runner.tags import MANAGED, MANAGED_VALUE, PR, REPOSITORY


@dataclass(frozen=True)
class Leftover:
    kind: str
    identifier: str

    def __str__(self) -> str:
        return f"{self.kind} {self.identifier}"


class TaggedLeftovers:
    """On AWS, CloudFormation propagates stack tags to resources: ask the tagging API for ours."""

    def __init__(self, tagging_client: Any) -> None:
        self._tagging = tagging_client

    def find(self, repository: str, pr_number: int | None, stack_names: Iterable[str]) -> list[Leftover]:
        filters = [{"Key": MANAGED, "Values": [MANAGED_VALUE]}, {"Key": REPOSITORY, "Values": [repository]}]
        if pr_number is not None:
            filters.append({"Key": PR, "Values": [str(pr_number)]})
        else:
            filters.append({"Key": "aws:cloudformation:stack-name", "Values": list(stack_names)})
        found: list[Leftover] = []
        paginator = self._tagging.get_paginator("get_resources")
        for page in paginator.paginate(TagFilters=filters):
            for mapping in page["ResourceTagMappingList"]:
                arn = mapping["ResourceARN"]
                if ":cloudformation:" in arn and ":stack/" in arn:
                    continue  # the stack itself: checked separately
                found.append(Leftover(arn.split(":")[2], arn))
        return found


class NamedLeftovers:
    """The local endpoint does not copy stack tags to every resource, so look for the stack name in
    the physical names CloudFormation generated (`<stack>-<LogicalId>-<suffix>`)."""

    def __init__(self, client_for: Callable[[str], Any]) -> None:
        self._client_for = client_for

    def find(self, repository: str, pr_number: int | None, stack_names: Iterable[str]) -> list[Leftover]:
        needles = [name.lower() for name in stack_names]

        def ours(identifier: str) -> bool:
            lowered = identifier.lower()
            return any(f"{needle}-" in lowered or lowered.endswith(needle) for needle in needles)

        found: list[Leftover] = []
        for kind, names in self._inventory():
            found.extend(Leftover(kind, name) for name in names if ours(name))
        return found

    def _inventory(self) -> Iterable[tuple[str, list[str]]]:
        lambda_ = self._client_for("lambda")
        yield (
            "lambda function",
            [
                fn["FunctionName"]
                for page in lambda_.get_paginator("list_functions").paginate()
                for fn in page["Functions"]
            ],
        )
        dynamodb = self._client_for("dynamodb")
        yield (
            "dynamodb table",
            [
                name
                for page in dynamodb.get_paginator("list_tables").paginate()
                for name in page["TableNames"]
            ],
        )
        yield "sqs queue", list(self._client_for("sqs").list_queues().get("QueueUrls", []))
        sns = self._client_for("sns")
        yield (
            "sns topic",
            [
                topic["TopicArn"]
                for page in sns.get_paginator("list_topics").paginate()
                for topic in page["Topics"]
            ],
        )
        yield (
            "s3 bucket",
            [bucket["Name"] for bucket in self._client_for("s3").list_buckets().get("Buckets", [])],
        )
        events = self._client_for("events")
        buses = [bus["Name"] for bus in events.list_event_buses().get("EventBuses", [])]
        yield "eventbridge bus", buses
        yield (
            "eventbridge rule",
            [rule["Name"] for bus in buses for rule in events.list_rules(EventBusName=bus).get("Rules", [])],
        )
        logs = self._client_for("logs")
        yield (
            "log group",
            [
                group["logGroupName"]
                for page in logs.get_paginator("describe_log_groups").paginate()
                for group in page["logGroups"]
            ],
        )
        iam = self._client_for("iam")
        yield (
            "iam role",
            [
                role["RoleName"]
                for page in iam.get_paginator("list_roles").paginate()
                for role in page["Roles"]
            ],
        )
