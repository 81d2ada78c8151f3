"""Names CloudFormation generates where a template gives none, formed as AWS forms them.

What AWS does: an unnamed FIFO topic (`FifoTopic: true`) is named `<stack>-<logical id>-<suffix>.fifo`
(SNS refuses a FIFO topic whose name lacks `.fifo`); an unnamed `AWS::SSM::Parameter` is named
`CFN-<logical id>-<suffix>`. What MiniStack 1.5.33 did: a FIFO topic named without `.fifo`, and a
parameter named `/<stack>/<logical id>`, which SSM refuses when the stack's name starts with `ssm`
or `aws` (the stack then rolled back).

Wraps the SNS topic and SSM parameter create/update handlers: supplies the name before MiniStack
names the resource, and keeps it on update (a physical name does not change in place).
"""

from __future__ import annotations

import secrets
import string
from typing import Any

SUFFIX_ALPHABET = string.ascii_letters + string.digits


def apply() -> None:
    from ministack.services.cloudformation import provisioners

    topic = provisioners._RESOURCE_HANDLERS["AWS::SNS::Topic"]
    parameter = provisioners._RESOURCE_HANDLERS["AWS::SSM::Parameter"]
    topic_create, topic_update = topic["create"], topic["update"]
    parameter_create, parameter_update = parameter["create"], parameter["update"]

    def is_fifo(props: dict[str, Any]) -> bool:
        return str(props.get("FifoTopic", "")).lower() == "true"

    def create_topic(logical_id: str, props: dict[str, Any], stack_name: str) -> Any:
        if is_fifo(props) and not props.get("TopicName"):
            base = provisioners._physical_name(stack_name, logical_id, max_len=251)
            props = {**props, "TopicName": f"{base}.fifo"}
        return topic_create(logical_id, props, stack_name)

    def update_topic(
        physical_id: str, old_props: Any, new_props: dict[str, Any], *rest: Any, **options: Any
    ) -> Any:
        if is_fifo(new_props) and not new_props.get("TopicName"):
            new_props = {**new_props, "TopicName": physical_id.rsplit(":", 1)[-1]}
        return topic_update(physical_id, old_props, new_props, *rest, **options)

    def create_parameter(logical_id: str, props: dict[str, Any], stack_name: str) -> Any:
        if not props.get("Name"):
            suffix = "".join(secrets.choice(SUFFIX_ALPHABET) for _ in range(12))
            props = {**props, "Name": f"CFN-{logical_id}-{suffix}"}
        return parameter_create(logical_id, props, stack_name)

    def update_parameter(
        physical_id: str, old_props: Any, new_props: dict[str, Any], *rest: Any, **options: Any
    ) -> Any:
        if not new_props.get("Name") and physical_id.startswith("CFN-"):
            new_props = {**new_props, "Name": physical_id}
        return parameter_update(physical_id, old_props, new_props, *rest, **options)

    topic["create"], topic["update"] = create_topic, update_topic
    parameter["create"], parameter["update"] = create_parameter, update_parameter
