"""A DynamoDB stream handler that reports `batchItemFailures` gets the failed record again.

What AWS does: for a mapping with `FunctionResponseTypes: ["ReportBatchItemFailures"]`, a stream
batch whose response names failed records (`itemIdentifier`: the record's `SequenceNumber`) is
checkpointed just before the first of them: the next batch starts at that record, and the records
before it are not delivered again. `MaximumRetryAttempts` bounds the retries (-1, the default: until
the record expires); once they are exhausted the batch goes to the `OnFailure` destination
(`RetryAttemptsExhausted`) and the stream moves past it.
What MiniStack 1.5.33 does: ignores the response and checkpoints past the whole batch, so a record
the handler reports failed is never delivered again (Powertools' batch processor relies on it).

Wraps `_poll_dynamodb_streams` (marks its thread) and `_execute_function` (which the poller calls
by its module name): only for a batch the stream poller delivers, to a mapping with
ReportBatchItemFailures, whose response names a failure, it moves the mapping's position to the
first failed record (past the batch, retries exhausted) and answers the poller as a failed
invocation, so the poller neither advances nor retries at once (its one-second backoff).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

REPORT = "ReportBatchItemFailures"


def apply() -> None:
    from ministack.services import dynamodb, lambda_svc

    polling = threading.local()
    attempts: dict[tuple[str, str], int] = {}
    original_poll: Callable[[], bool] = lambda_svc._poll_dynamodb_streams
    original_execute: Callable[[dict[str, Any], Any], dict[str, Any]] = lambda_svc._execute_function

    def poll() -> bool:
        polling.active = True
        try:
            return original_poll()
        finally:
            polling.active = False

    def mapping_for(func: dict[str, Any], source_arn: str) -> dict[str, Any] | None:
        for _account, _region, esm in lambda_svc._iter_all_esms():
            if esm.get("EventSourceArn") != source_arn or REPORT not in esm.get("FunctionResponseTypes", []):
                continue
            found, _config = lambda_svc._get_func_record_for_qualifier(
                esm["FunctionName"], esm.get("Qualifier")
            )
            if found is func:
                return esm
        return None

    def execute(func: dict[str, Any], event: Any) -> dict[str, Any]:
        result = original_execute(func, event)
        records = event.get("Records") if isinstance(event, dict) else None
        if not getattr(polling, "active", False) or not records or result.get("error"):
            return result
        source_arn = str(records[0].get("eventSourceARN", ""))
        esm = mapping_for(func, source_arn) if records[0].get("eventSource") == "aws:dynamodb" else None
        if esm is None:
            return result
        failed = _failed_identifiers(result.get("body"))
        sequence = [str((record.get("dynamodb") or {}).get("SequenceNumber", "")) for record in records]
        first = next((index for index, number in enumerate(sequence) if number in failed), None)
        if first is None:
            for key in [key for key in attempts if key[0] == esm["UUID"]]:
                del attempts[key]
            return result
        key = (esm["UUID"], sequence[first])
        attempts[key] = attempts.get(key, 0) + 1
        limit = int(esm.get("MaximumRetryAttempts", -1))
        exhausted = limit >= 0 and attempts[key] > limit
        table = source_arn.split("/stream/")[0].split("/")[-1]
        position = _position_of(dynamodb, table, sequence[-1 if exhausted else first])
        if position is None:
            return result  # the records expired meanwhile: nothing to go back to
        if exhausted:
            del attempts[key]
            lambda_svc._send_ddb_stream_failure_record(
                esm, func, records[first:], source_arn, result, "RetryAttemptsExhausted"
            )
            position += 1
        with lambda_svc._dynamodb_stream_positions_lock:
            lambda_svc._dynamodb_stream_positions[esm["UUID"]] = position
        return {
            "error": True,
            "body": {
                "errorType": "PartialBatchFailure",
                "errorMessage": f"record {sequence[first]} reported failed; "
                + ("retries exhausted, the batch is skipped" if exhausted else "retried from it"),
            },
            "log": result.get("log", ""),
        }

    lambda_svc._poll_dynamodb_streams = poll
    lambda_svc._execute_function = execute


def _failed_identifiers(body: Any) -> set[str]:
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return set()
    failures = body.get("batchItemFailures") if isinstance(body, dict) else None
    if not isinstance(failures, list):
        return set()
    return {
        str(item.get("itemIdentifier"))
        for item in failures
        if isinstance(item, dict) and item.get("itemIdentifier")
    }


def _position_of(dynamodb: Any, table: str, sequence_number: str) -> int | None:
    """The absolute stream position of the record with this sequence number, if still readable."""
    live = dynamodb.stream_live_records(table)
    for index, record in enumerate(live):
        if str((record.get("dynamodb") or {}).get("SequenceNumber", "")) == sequence_number:
            return int(dynamodb.stream_start_position(table)) + index
    return None
