"""Remove event captures a crashed test run left behind. On AWS a bus that still has rules cannot be
deleted, so destroy (and janitor) call this for the stack's buses before deleting the stacks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from runner.testing.events import CAPTURE_PREFIX


def sweep_captures(events_client: Any, sqs_client: Any, buses: Iterable[str], run_id: str = "") -> list[str]:
    """Delete captures left on `buses` (optionally only one run's) and the queues they target.
    Returns the names of the rules removed. For destroy and janitor, before deleting a bus."""
    removed: list[str] = []
    for bus in buses:
        paginator = events_client.get_paginator("list_rules")
        for page in paginator.paginate(NamePrefix=CAPTURE_PREFIX + run_id, EventBusName=bus):
            for rule in page.get("Rules", []):
                targets = events_client.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus)["Targets"]
                if targets:
                    events_client.remove_targets(
                        Rule=rule["Name"], EventBusName=bus, Ids=[target["Id"] for target in targets]
                    )
                events_client.delete_rule(Name=rule["Name"], EventBusName=bus)
                for target in targets:
                    queue_name = target["Arn"].rsplit(":", 1)[-1]
                    if queue_name.startswith(CAPTURE_PREFIX):
                        _delete_queue_named(sqs_client, queue_name)
                removed.append(rule["Name"])
    return removed


def _delete_queue_named(sqs_client: Any, queue_name: str) -> None:
    try:
        queue_url = sqs_client.get_queue_url(QueueName=queue_name)["QueueUrl"]
        sqs_client.delete_queue(QueueUrl=queue_url)
    except ClientError as error:
        if "NonExistent" not in error.response.get("Error", {}).get("Code", ""):
            raise
