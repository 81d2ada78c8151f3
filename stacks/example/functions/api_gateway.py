"""What the API handlers share: reading an API Gateway (REST, Lambda proxy) request and answering it."""

from __future__ import annotations

import json
from typing import Any

from command_input import InvalidRequest

JSON_HEADERS = {"Content-Type": "application/json"}


def json_response(status_code: int, body: Any) -> dict[str, Any]:
    """A Lambda proxy response; API Gateway sends `body` as is, so it must already be a string."""
    return {"statusCode": status_code, "headers": JSON_HEADERS, "body": json.dumps(body, sort_keys=True)}


def error_response(status_code: int, reason: str, message: str) -> dict[str, Any]:
    return json_response(status_code, {"reason": reason, "message": message})


def json_body(event: dict[str, Any]) -> dict[str, Any]:
    """The request body as a JSON object (API Gateway hands it over as a string, base64 for binary)."""
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        raise InvalidRequest("the body must be JSON text")
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise InvalidRequest(f"the body is not JSON: {error}") from error
    if not isinstance(body, dict):
        raise InvalidRequest("the body must be a JSON object")
    return body


def header(event: dict[str, Any], name: str) -> str | None:
    """A request header by name, in any case (HTTP header names are case-insensitive)."""
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == wanted and isinstance(value, str) and value.strip():
            return value.strip()
    return None


def path_parameter(event: dict[str, Any], name: str) -> str:
    value = (event.get("pathParameters") or {}).get(name)
    if not isinstance(value, str) or not value:
        raise InvalidRequest(f"the path lacks {{{name}}}")
    return value


def route_of(event: dict[str, Any]) -> str:
    """`METHOD /resource/{param}`: the route API Gateway matched, whatever the concrete path was."""
    return f"{event.get('httpMethod', '')} {event.get('resource', '')}"


def request_correlation_id(event: dict[str, Any], context: Any) -> str | None:
    """The caller's `X-Correlation-Id`, else API Gateway's request id, else the Lambda request id."""
    given = header(event, "X-Correlation-Id")
    if given:
        return given[:256]
    request_id = (event.get("requestContext") or {}).get("requestId")
    if isinstance(request_id, str) and request_id:
        return request_id
    lambda_request_id = getattr(context, "aws_request_id", None)
    return lambda_request_id if isinstance(lambda_request_id, str) else None
