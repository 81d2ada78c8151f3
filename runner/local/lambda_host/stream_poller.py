"""A DynamoDB stream event source mapping: read the table's stream shard in order, invoke per batch.

Like AWS: records go out in order, one batch at a time; a failed batch is retried (with backoff) and
blocks the shard until it succeeds or MaximumRetryAttempts is used up; the stream itself is left
intact for other readers (stock moto cleared it after each push).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from runner.local.delivery import current_delays
from runner.local.lambda_host import service
from runner.local.lambda_host.batch_response import failed_item_ids
from runner.local.lambda_host.endpoints import endpoint_serving
from runner.local.lambda_host.outcome import InvocationOutcome
from runner.local.lambda_host.pool import FunctionThrottled
from runner.local.lambda_host.record_filters import record_matches

_IDLE_WAIT_S = 1.0
_logger = logging.getLogger(__name__)
_MAX_BACKOFF_S = 30.0
_new_records = threading.Condition()


def notify_new_records() -> None:
    """Called after moto appends to any stream shard, so pollers wake without waiting out their sleep."""
    with _new_records:
        _new_records.notify_all()


def stream_record(item: Any, mapping: Any, region: str) -> dict[str, Any]:
    raw = item.to_json()
    dynamodb = dict(raw["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, dt.datetime):
        # Lambda's event carries epoch seconds here; moto keeps a naive UTC datetime.
        dynamodb["ApproximateCreationDateTime"] = int(created.replace(tzinfo=dt.UTC).timestamp())
    return {
        "eventID": raw["eventID"],
        "eventName": raw["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": mapping.event_source_arn,
    }


def _due(items: list[Any], delay: float) -> tuple[list[Any], float]:
    """The leading records at least `delay` old, and the seconds until the next one is (0: none left)."""
    if delay <= 0 or not items:
        return items, 0.0
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # moto stamps records with naive UTC
    for index, item in enumerate(items):
        age = (now - item.record["dynamodb"]["ApproximateCreationDateTime"]).total_seconds()
        if age < delay:
            return items[:index], delay - age
    return items, 0.0


class StreamPoller:
    """Serves one mapping on a daemon thread until the mapping is deleted or `stopping` is set."""

    def __init__(self, lambda_backend: Any, mapping: Any, stopping: threading.Event) -> None:
        self._thread = threading.Thread(
            target=self.run, name=f"lambda-stream-{mapping.uuid[:8]}", daemon=True
        )
        self._lambda = lambda_backend
        self._mapping = mapping
        self._stopping = stopping
        self._shard: Any = None
        self._position = 0
        self._failures = 0
        self._table_name = mapping.event_source_arn.split("/")[1]
        # LATEST means records written after the mapping was created; TRIM_HORIZON means all kept ones.
        self._skip_existing = mapping.starting_position == "LATEST"

    def start(self) -> None:
        self._thread.start()

    def run(self) -> None:
        while not self._stopping.is_set():
            if self._lambda.get_event_source_mapping(self._mapping.uuid) is not self._mapping:
                return
            pending = self._pending() if self._mapping.enabled and endpoint_serving() else []
            pending, not_yet = _due(pending, current_delays().dynamodb_stream)
            if not pending:
                with _new_records:
                    _new_records.wait(min(not_yet, _IDLE_WAIT_S) if not_yet else _IDLE_WAIT_S)
                continue
            try:
                self._deliver(pending)
            except FunctionThrottled:
                # Reserved concurrency in use: try again shortly, as Lambda's pollers back off.
                self._stopping.wait(_IDLE_WAIT_S)
            except Exception:
                _logger.exception("stream poller of mapping %s failed; polling on", self._mapping.uuid)
                self._stopping.wait(_IDLE_WAIT_S)

    def _pending(self) -> list[Any]:
        from moto.dynamodb.models import dynamodb_backends

        tables = dynamodb_backends[self._mapping.account_id][self._mapping.region].tables
        table = tables.get(self._table_name)
        shard = table.stream_shard if table is not None else None
        if shard is None:
            return []
        if shard is not self._shard:
            # moto's transact_write_items rollback swaps in a deep copy of the table (and its
            # shard): the same stream, so keep reading where we were instead of redelivering all.
            same_stream = self._shard is not None and shard.created_on == self._shard.created_on
            self._shard = shard
            if not same_stream:
                self._position = len(shard.items) if self._skip_existing else 0
            self._skip_existing = False
        return list(shard.items[self._position : self._position + self._mapping.batch_size])

    def _deliver(self, pending: list[Any]) -> None:
        mapping = self._mapping
        records = [stream_record(item, mapping, mapping.region) for item in pending]
        wanted = [record for record in records if record_matches(mapping.filter_criteria, record)]
        outcome = None
        if wanted:
            outcome = service.invoke_sync(
                self._lambda.get_function(mapping.function_arn), {"Records": wanted}
            )
        retry_from = self._retry_from(outcome, records) if outcome is not None else None
        if retry_from is not None and not self._retries_exhausted():
            # Records before the first failure are done (AWS checkpoints them); the rest come again.
            self._position += retry_from
            self._failures += 1
            self._stopping.wait(min(2.0 ** (self._failures - 1), _MAX_BACKOFF_S))
            return
        self._failures = 0
        self._position += len(pending)

    def _retry_from(self, outcome: InvocationOutcome, records: list[dict[str, Any]]) -> int | None:
        """Index of the first record to deliver again, or None when the batch succeeded."""
        if outcome.function_error:
            return 0
        if "ReportBatchItemFailures" not in (self._mapping.function_response_types or []):
            return None
        failed = failed_item_ids(outcome.payload)
        if not failed:
            return None
        sequence_numbers = [str(record["dynamodb"].get("SequenceNumber")) for record in records]
        hits = [index for index, number in enumerate(sequence_numbers) if number in failed]
        # An identifier that names no record in the batch fails the whole batch, as on AWS.
        return min(hits) if hits and len(hits) == len(failed) else 0

    def _retries_exhausted(self) -> bool:
        limit = self._mapping.max_retry_attempts
        # AWS's default (-1 or unset) retries until the records expire; here that means forever.
        return limit is not None and int(limit) >= 0 and self._failures >= int(limit)
