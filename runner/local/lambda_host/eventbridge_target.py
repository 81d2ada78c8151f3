"""EventBridge rules with Lambda targets: stock moto raises NotImplementedError for them (the
PutEvents call fails). Lambda targets get the event (or Input, InputPath, InputTransformer) async."""

from __future__ import annotations

import copy
import json
import logging
from datetime import UTC, datetime
from typing import Any

from runner.local.lambda_host import service

_logger = logging.getLogger(__name__)


def _is_lambda(target: dict[str, Any]) -> bool:
    return str(target.get("Arn", "")).split(":")[2:3] == ["lambda"]


def lambda_event(original_event: dict[str, Any]) -> dict[str, Any]:
    """The event as AWS delivers it: ISO `time`, no moto-internal `ingestion-time`."""
    event = {key: value for key, value in original_event.items() if key != "ingestion-time"}
    if isinstance(event.get("time"), int | float):
        event["time"] = datetime.fromtimestamp(float(event["time"]), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return event


def target_payload(target: dict[str, Any], event: dict[str, Any], original_event: dict[str, Any]) -> str:
    if "Input" in target:
        return str(target["Input"])
    if "InputPath" in target:
        from jsonpath_ng.ext.parser import parse

        expression: Any = parse(target["InputPath"])
        matches = expression.find(event)
        return json.dumps(matches[0].value if matches else None)
    transformer = target.get("InputTransformer")
    if transformer:
        from moto.events.utils import EventTemplateParser

        parser: Any = EventTemplateParser
        with_ingestion = dict(event, **{"ingestion-time": original_event.get("ingestion-time")})
        transformed = parser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event=with_ingestion,
        )
        return json.dumps(transformed)
    return json.dumps(event)


def install() -> None:
    from moto.awslambda.utils import get_backend
    from moto.events.models import Rule

    rule_class: Any = Rule
    send_to_other_targets = rule_class.send_to_targets

    def send_to_targets(self: Any, original_event: dict[str, Any], transform_input: bool = True) -> None:
        lambda_targets = [target for target in self.targets if _is_lambda(target)]
        other_targets = [target for target in self.targets if not _is_lambda(target)]
        if other_targets:
            # A shallow copy that sees only the targets moto knows how to deliver to.
            others = copy.copy(self)
            others.targets = other_targets
            send_to_other_targets(others, original_event, transform_input)
        if not lambda_targets or not self.event_pattern.matches_event(original_event):
            return
        event = lambda_event(original_event)
        for target in lambda_targets:
            arn = str(target["Arn"])
            try:
                function = get_backend(arn.split(":")[4], arn.split(":")[3]).get_function(arn)
                payload = (
                    target_payload(target, event, original_event) if transform_input else json.dumps(event)
                )
            except Exception:
                _logger.warning("EventBridge rule %s: cannot deliver to %s", self.name, arn, exc_info=True)
                continue
            service.invoke_async(function, payload)

    rule_class.send_to_targets = send_to_targets
