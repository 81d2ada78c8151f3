"""An SQS event source mapping: poll the queue, invoke with a batch, delete what succeeded.

Like AWS: a failed batch is not deleted, so its messages come back after the visibility timeout (and
move to the dead-letter queue after maxReceiveCount, which moto's receive does); with
ReportBatchItemFailures only the reported items stay; records dropped by FilterCriteria are deleted.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from runner.local.lambda_host import service
from runner.local.lambda_host.batch_response import failed_item_ids
from runner.local.lambda_host.endpoints import endpoint_serving
from runner.local.lambda_host.pool import FunctionThrottled
from runner.local.lambda_host.record_filters import record_matches

_IDLE_WAIT_S = 1.0
_logger = logging.getLogger(__name__)


def sqs_record(message: Any, queue_arn: str, region: str) -> dict[str, Any]:
    attributes = {
        "ApproximateReceiveCount": str(message.approximate_receive_count),
        "SentTimestamp": str(message.sent_timestamp),
        "SenderId": str(message.sender_id),
        "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
    }
    if message.group_id:
        attributes["MessageGroupId"] = str(message.group_id)
        attributes["MessageDeduplicationId"] = str(message.deduplication_id)
        if message.sequence_number:
            attributes["SequenceNumber"] = str(message.sequence_number)
    message_attributes = {
        name: {
            "stringValue": value.get("StringValue"),
            "binaryValue": value.get("BinaryValue"),
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value.get("DataType"),
        }
        for name, value in (message.message_attributes or {}).items()
    }
    for value in message_attributes.values():
        for empty in [key for key, item in value.items() if item is None]:
            del value[empty]
    return {
        "messageId": message.id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.body_md5,
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


class SqsPoller:
    """Serves one mapping on a daemon thread until the mapping is deleted or `stopping` is set."""

    def __init__(self, lambda_backend: Any, mapping: Any, stopping: threading.Event) -> None:
        self._thread = threading.Thread(target=self.run, name=f"lambda-sqs-{mapping.uuid[:8]}", daemon=True)
        self._lambda = lambda_backend
        self._mapping = mapping
        self._stopping = stopping

    def start(self) -> None:
        self._thread.start()

    def run(self) -> None:
        while not self._stopping.is_set():
            if self._lambda.get_event_source_mapping(self._mapping.uuid) is not self._mapping:
                return
            if not self._mapping.enabled or not endpoint_serving():
                self._stopping.wait(_IDLE_WAIT_S)
                continue
            try:
                self._poll_once()
            except FunctionThrottled:
                # Reserved concurrency in use: try again shortly, as Lambda's pollers back off.
                self._stopping.wait(_IDLE_WAIT_S)
            except Exception:
                # A queue deleted mid-poll and the like: AWS's poller keeps going, so does this one.
                _logger.exception("SQS poller of mapping %s failed; polling on", self._mapping.uuid)
                self._stopping.wait(_IDLE_WAIT_S)

    def _poll_once(self) -> None:
        from moto.sqs.models import sqs_backends

        mapping = self._mapping
        sqs = sqs_backends[mapping.account_id][mapping.region]
        queue: Any = next((q for q in sqs.queues.values() if q.queue_arn == mapping.event_source_arn), None)
        if queue is None:
            self._stopping.wait(_IDLE_WAIT_S)
            return
        messages = sqs.receive_message(queue.name, mapping.batch_size, 0, queue.visibility_timeout, ["All"])
        if not messages:
            waited_from = time.monotonic()
            queue.wait_for_messages(_IDLE_WAIT_S)
            # Visible messages of a FIFO group still in flight wake the wait at once; do not spin.
            if time.monotonic() - waited_from < 0.05:
                self._stopping.wait(0.2)
            return
        records = [sqs_record(message, queue.queue_arn, mapping.region) for message in messages]
        wanted = [record for record in records if record_matches(mapping.filter_criteria, record)]
        self._delete_records(sqs, queue.name, [r for r in records if r not in wanted])
        if wanted:
            self._invoke(sqs, queue.name, wanted)

    def _invoke(self, sqs: Any, queue_name: str, records: list[dict[str, Any]]) -> None:
        function = self._lambda.get_function(self._mapping.function_arn)
        outcome = service.invoke_sync(function, {"Records": records})
        if outcome is None or outcome.function_error:
            return  # left in flight: back after the visibility timeout, as on AWS
        failed: set[str] | None = None
        if "ReportBatchItemFailures" in (self._mapping.function_response_types or []):
            failed = failed_item_ids(outcome.payload)
        self._delete_records(
            sqs, queue_name, [r for r in records if failed is None or r["messageId"] not in failed]
        )

    @staticmethod
    def _delete_records(sqs: Any, queue_name: str, records: list[dict[str, Any]]) -> None:
        for record in records:
            sqs.delete_message(queue_name, record["receiptHandle"])
