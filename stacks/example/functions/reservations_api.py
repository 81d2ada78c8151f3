"""The reservations front door (API Gateway REST API, Lambda proxy integration).

POST /reservations   header `Idempotency-Key`, body {"sku", "quantity"}; optional `X-Correlation-Id`
    201 the reservation (a retry with the same key answers the same body and takes no more stock)
    409 INSUFFICIENT_STOCK (nothing taken), 422 IDEMPOTENCY_KEY_REUSED (the key was used for another
    order), 400 INVALID_REQUEST, 503 CONFLICT (a concurrent request with the same key: retry it)
GET  /reservations/{key}   200 {"reservation_id", "idempotency_key", "sku", "quantity", "status":
    "RESERVED" | "RELEASED", ...} or 404
GET  /stock/{sku}   200 {"sku", "available", "sequence"} or 404
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import boto3
from api_gateway import (
    error_response,
    header,
    json_body,
    json_response,
    path_parameter,
    request_correlation_id,
    route_of,
)
from command_input import InvalidRequest
from reserve import RejectReason, ReservationConflict, ReserveRequest, Status, reserve
from structured_log import StructuredLogger

INVENTORY_TABLE_NAME = os.environ["INVENTORY_TABLE_NAME"]
RESERVATIONS_TABLE_NAME = os.environ["RESERVATIONS_TABLE_NAME"]
STATUS_OF_REJECTION = {
    RejectReason.INSUFFICIENT_STOCK.value: 409,
    RejectReason.IDEMPOTENCY_KEY_REUSED.value: 422,
    RejectReason.INVALID_REQUEST.value: 400,
}

dynamodb = boto3.client("dynamodb")
log = StructuredLogger("reservations_api")

Route = Callable[[dict[str, Any], Any], dict[str, Any]]


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    route = ROUTES.get(route_of(event))
    if route is None:
        return error_response(404, "NOT_FOUND", f"no route {route_of(event)}")
    try:
        return route(event, context)
    except InvalidRequest as error:
        return error_response(400, RejectReason.INVALID_REQUEST.value, str(error))


def post_reservation(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation_id = request_correlation_id(event, context)
    body = json_body(event)
    request = ReserveRequest.parse(
        {**body, "idempotency_key": header(event, "Idempotency-Key")}, correlation_id
    )
    request_log = log.bind(correlation_id=correlation_id, idempotency_key=request.idempotency_key)
    try:
        result = reserve(request)
    except ReservationConflict as error:
        request_log.warning("reservation conflicted", error=str(error))
        response = error_response(503, "CONFLICT", "a request with this Idempotency-Key is in flight")
        response["headers"] = {**response["headers"], "Retry-After": "1"}
        return response
    request_log.info("reservation answered", status=result["status"], reason=result.get("reason"))
    if result["status"] == Status.RESERVED.value:
        return json_response(201, result)
    return json_response(STATUS_OF_REJECTION[result["reason"]], result)


def get_reservation(event: dict[str, Any], context: Any) -> dict[str, Any]:
    key = path_parameter(event, "key")
    item = _get(RESERVATIONS_TABLE_NAME, {"idempotency_key": {"S": key}})
    if item is None:
        return error_response(404, "NOT_FOUND", f"no reservation {key}")
    fields = ("reservation_id", "idempotency_key", "sku", "reserved_at", "status", "released_at")
    reservation: dict[str, Any] = {name: item[name]["S"] for name in fields if name in item}
    reservation["quantity"] = int(item["quantity"]["N"])
    return json_response(200, reservation)


def get_stock(event: dict[str, Any], context: Any) -> dict[str, Any]:
    sku = path_parameter(event, "sku")
    item = _get(INVENTORY_TABLE_NAME, {"sku": {"S": sku}})
    if item is None:
        return error_response(404, "NOT_FOUND", f"no sku {sku}")
    level = {"sku": sku, "available": int(item["available"]["N"]), "sequence": int(item["sequence"]["N"])}
    return json_response(200, level)


def _get(table_name: str, key: dict[str, Any]) -> dict[str, Any] | None:
    # Consistent: a client reading right after its own write must see it.
    item: dict[str, Any] | None = dynamodb.get_item(TableName=table_name, Key=key, ConsistentRead=True).get(
        "Item"
    )
    return item


ROUTES: dict[str, Route] = {
    "POST /reservations": post_reservation,
    "GET /reservations/{key}": get_reservation,
    "GET /stock/{sku}": get_stock,
}
