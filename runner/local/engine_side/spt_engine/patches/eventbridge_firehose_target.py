"""An EventBridge rule delivers to a Firehose delivery stream target.

AWS: a rule whose target is `arn:aws:firehose:...:deliverystream/NAME` puts each matched event
(after the target's Input/InputPath/InputTransformer) as one record on that stream.
MiniStack: its target dispatch knows Lambda, SQS, SNS, Step Functions, event buses and API
destinations; a Firehose target logs "unsupported target type" and the event is dropped.
Wraps: `_invoke_target` hands a Firehose target to MiniStack's own dispatch under a marked SNS ARN
of the same account and region (so its input shaping and scope checks apply unchanged), and the
wrapped `_dispatch_to_sns` puts marked deliveries on the stream through Firehose's PutRecord.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import Any

MARK = "spt-firehose-target--"
_logger = logging.getLogger("spt_engine.firehose_target")


def _marked(target: dict[str, Any]) -> dict[str, Any] | None:
    """The target under a marked SNS ARN, or None when it is not a Firehose stream."""
    parts = str(target.get("Arn", "")).split(":", 5)
    if len(parts) != 6 or parts[2] != "firehose" or not parts[5].startswith("deliverystream/"):
        return None
    stream = parts[5].split("/", 1)[1]
    return {**target, "Arn": ":".join([*parts[:2], "sns", parts[3], parts[4], MARK + stream])}


def apply() -> None:
    from ministack.services import eventbridge, firehose

    invoke_target: Callable[..., Any] = eventbridge._invoke_target
    dispatch_to_sns: Callable[[str, str], Any] = eventbridge._dispatch_to_sns

    def _invoke(target: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        return invoke_target(_marked(target) or target, *args, **kwargs)

    def _dispatch(arn: str, payload: str) -> Any:
        resource = arn.split(":", 5)[-1]
        if not resource.startswith(MARK):
            return dispatch_to_sns(arn, payload)
        stream = resource[len(MARK) :]
        data = base64.b64encode(payload.encode()).decode()
        response = firehose._put_record({"DeliveryStreamName": stream, "Record": {"Data": data}})
        status = response[0] if isinstance(response, tuple) else 200
        if status != 200:
            _logger.warning("EventBridge -> Firehose %s refused (HTTP %s)", stream, status)
        return None

    eventbridge._invoke_target = _invoke
    eventbridge._dispatch_to_sns = _dispatch
