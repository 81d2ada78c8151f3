"""CloudWatch Logs subscription filters to Lambda: delivered asynchronously, as AWS does.

Stock moto invokes inline, inside PutLogEvents (with the host runtime: inside the runtime's own log
writes, nesting invocations) and sends every event, ignoring the filter pattern.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
from typing import Any

from runner.local.lambda_host import service

_logger = logging.getLogger(__name__)


def logs_event(
    account_id: str, filter_name: str, log_group: str, log_stream: str, log_events: list[dict[str, Any]]
) -> dict[str, Any]:
    data = {
        "messageType": "DATA_MESSAGE",
        "owner": account_id,
        "logGroup": log_group,
        "logStream": log_stream,
        "subscriptionFilters": [filter_name],
        "logEvents": log_events,
    }
    compressed = gzip.compress(json.dumps(data, separators=(",", ":")).encode())
    return {"awslogs": {"data": base64.b64encode(compressed).decode()}}


def _pattern_matches(lambda_backend: Any, log_group_name: str, filter_name: str, message: str) -> bool:
    from moto.logs.models import logs_backends
    from moto.logs.utils import EventMessageFilter

    group = logs_backends[lambda_backend.account_id][lambda_backend.region_name].groups.get(log_group_name)
    subscription = group.subscription_filters.get(filter_name) if group is not None else None
    pattern = subscription.filter_pattern if subscription is not None else ""
    # An empty pattern matches everything; moto's matcher handles plain and quoted terms.
    return not pattern or bool(EventMessageFilter(pattern).matches(message))


def install() -> None:
    from moto.awslambda.models import LambdaBackend

    def send_log_event(
        self: Any,
        function_arn: str,
        filter_name: str,
        log_group_name: str,
        log_stream_name: str,
        log_events: Any,
    ) -> None:
        function = self.get_function_by_arn(function_arn)
        if function is None:
            _logger.warning("log subscription %s: function %s not found", filter_name, function_arn)
            return
        matching = [
            e for e in log_events if _pattern_matches(self, log_group_name, filter_name, e["message"])
        ]
        if matching:
            event = logs_event(self.account_id, filter_name, log_group_name, log_stream_name, matching)
            service.invoke_async(function, event)

    backend_class: Any = LambdaBackend
    backend_class.send_log_event = send_log_event
