"""Event source mappings for SQS queues and DynamoDB streams get a poller thread of their own.

Stock moto pushes to the function inline, inside the SendMessage/PutItem request: the writer waits for
the handler, a handler writing back to its own table recurses, SQS gets one message per call, and the
stream is emptied. Here the mapping is detached from moto's inline path and served like AWS's pollers.
"""

from __future__ import annotations

import threading
from typing import Any

from runner.local.lambda_host.sqs_poller import SqsPoller
from runner.local.lambda_host.stream_poller import StreamPoller, notify_new_records

stopping = threading.Event()


def _attach_poller(lambda_backend: Any, mapping: Any) -> None:
    from moto.dynamodb.models import dynamodb_backends
    from moto.sqs.models import sqs_backends

    source_arn = mapping.event_source_arn
    service = source_arn.split(":")[2]
    poller: SqsPoller | StreamPoller | None = None
    if service == "sqs":
        for queue in sqs_backends[mapping.account_id][mapping.region].queues.values():
            if queue.queue_arn == source_arn:
                queue.lambda_event_source_mappings.pop(mapping.function_arn, None)
        poller = SqsPoller(lambda_backend, mapping, stopping)
    elif service == "dynamodb":
        table = dynamodb_backends[mapping.account_id][mapping.region].tables.get(source_arn.split("/")[1])
        if table is not None:
            table.lambda_event_source_mappings.pop(mapping.function_arn, None)
        poller = StreamPoller(lambda_backend, mapping, stopping)
    # Kinesis keeps moto's inline push, which reaches the host runtime through the invoke seam.
    if poller is not None:
        poller.start()


def install() -> None:
    from moto.awslambda.models import LambdaBackend
    from moto.dynamodb.models.table import StreamShard

    create_mapping = LambdaBackend.create_event_source_mapping

    def create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
        mapping = create_mapping(self, spec)
        _attach_poller(self, mapping)
        return mapping

    add_record = StreamShard.add

    def add(self: Any, old: Any, new: Any) -> None:
        add_record(self, old, new)
        notify_new_records()

    backend_class: Any = LambdaBackend
    shard_class: Any = StreamShard
    backend_class.create_event_source_mapping = create_event_source_mapping
    shard_class.add = add
