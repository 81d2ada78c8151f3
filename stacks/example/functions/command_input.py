"""What the command handlers share: unwrapping EventBridge envelopes and finding the correlation id."""

from __future__ import annotations

from typing import Any


class InvalidRequest(ValueError):
    """The payload is not a valid command; the message says which field and why."""


def command_payload(event: Any) -> dict[str, Any]:
    """The command itself: a direct invoke payload, or the `detail` of an EventBridge event."""
    if not isinstance(event, dict):
        raise InvalidRequest(f"expected a JSON object, got {type(event).__name__}")
    if "detail-type" in event and "detail" in event:
        detail = event["detail"]
        if not isinstance(detail, dict):
            raise InvalidRequest("the EventBridge event's detail must be a JSON object")
        return detail
    return event


def correlation_id_of(event: Any, payload: dict[str, Any], context: Any) -> str | None:
    """The caller's `correlation_id` when given, else the EventBridge event id, else the Lambda request id."""
    given = payload.get("correlation_id")
    if isinstance(given, str) and given:
        return given
    if isinstance(event, dict) and "detail-type" in event and isinstance(event.get("id"), str):
        return str(event["id"])
    request_id = getattr(context, "aws_request_id", None)
    return request_id if isinstance(request_id, str) else None


def required_text(payload: dict[str, Any], field: str, max_length: int = 256) -> str:
    value = payload.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{field} must be a non-empty string")
    if len(value) > max_length:
        raise InvalidRequest(f"{field} must be at most {max_length} characters")
    return value


def required_int(payload: dict[str, Any], field: str, minimum: int) -> int:
    value = payload.get(field)
    # bool is an int subclass: `true` is not a quantity.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequest(f"{field} must be an integer")
    if value < minimum:
        raise InvalidRequest(f"{field} must be at least {minimum}")
    return value
