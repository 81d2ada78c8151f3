"""FIFO queues and topics without an explicit name get a generated name ending in `.fifo`.

moto generates `<stack>-<logicalId>-<suffix>` for unnamed resources, which SQS and SNS reject for
FIFO queues and topics ("Queue name must end in .fifo"), so a CDK `fifo=True` queue or topic fails
the deploy. CloudFormation appends `.fifo` to the names it generates for them.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix

_QUEUE_NAME_LIMIT = 80
_TOPIC_NAME_LIMIT = 256


def _fifo_name(name: str, limit: int) -> str:
    return name if name.endswith(".fifo") else f"{name[: limit - len('.fifo')]}.fifo"


def _named(original: Any, fifo_property: str, name_property: str, limit: int) -> Any:
    def create_from_cloudformation_json(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        properties = cloudformation_json.get("Properties") or {}
        is_fifo = str(properties.get(fifo_property, "false")).lower() == "true"
        if is_fifo and name_property not in properties:
            resource_name = _fifo_name(resource_name, limit)
        return original(resource_name, cloudformation_json, account_id, region_name, **kwargs)

    return create_from_cloudformation_json


def _install() -> None:
    from moto.sns.models import Topic
    from moto.sqs.models import Queue

    queue_create = Queue.create_from_cloudformation_json
    topic_create = Topic.create_from_cloudformation_json
    Queue.create_from_cloudformation_json = classmethod(  # type: ignore[assignment,method-assign]
        _named(queue_create, "FifoQueue", "QueueName", _QUEUE_NAME_LIMIT)
    )
    Topic.create_from_cloudformation_json = classmethod(  # type: ignore[assignment,method-assign]
        _named(topic_create, "FifoTopic", "TopicName", _TOPIC_NAME_LIMIT)
    )


FIX = Fix(
    name="fifo_generated_names",
    description="Generated names of FIFO queues and topics end in .fifo, so unnamed FIFO resources deploy",
    install=_install,
)
