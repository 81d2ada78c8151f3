"""Orders (API Gateway REST API, Lambda proxy integration): each order is one execution of the order saga
(Step Functions: reserve -> charge -> ship, compensating on failure), named after the order.

POST /orders        header `Idempotency-Key`, body {"sku", "quantity", "amount_cents", "payment_method",
                    "ship_to": {"country"}}; optional `X-Correlation-Id`
    202 {"order_id", "status_url"}; the same key and body again answers the same and starts nothing new
    422 IDEMPOTENCY_KEY_REUSED (the key was used for a different order), 400 INVALID_REQUEST
GET  /orders/{id}   200 {"order_id", "status": "IN_PROGRESS" | "SHIPPED" | "CANCELLED", "shipment"
                    (SHIPPED), "reason" and "message" (CANCELLED)} or 404

The order id is derived from the idempotency key and names the execution: Step Functions allows one
execution per name, which makes a repeated POST start nothing twice, even when the repeats race.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
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
from command_input import InvalidRequest, required_int, required_text
from structured_log import StructuredLogger

ORDER_SAGA_ARN = os.environ["ORDER_SAGA_ARN"]
ORDER_ID_PREFIX = "ord-"

stepfunctions = boto3.client("stepfunctions")
log = StructuredLogger("orders_api")


@dataclass(frozen=True)
class Order:
    """What the saga is started with (its execution input, without the correlation id)."""

    order_id: str
    sku: str
    quantity: int
    amount_cents: int
    payment_method: str
    ship_to: dict[str, str]

    @classmethod
    def parse(cls, idempotency_key: str | None, body: dict[str, Any]) -> Order:
        if not idempotency_key:
            raise InvalidRequest("the Idempotency-Key header is required")
        ship_to = body.get("ship_to")
        if not isinstance(ship_to, dict):
            raise InvalidRequest("ship_to must be an object with a country")
        country = required_text(ship_to, "country", max_length=2)
        return cls(
            order_id=order_id_of(idempotency_key),
            sku=required_text(body, "sku"),
            quantity=required_int(body, "quantity", minimum=1),
            amount_cents=required_int(body, "amount_cents", minimum=1),
            payment_method=required_text(body, "payment_method"),
            ship_to={"country": country.upper()},
        )


def order_id_of(idempotency_key: str) -> str:
    """A valid execution name (at most 80 characters, no spaces or punctuation) for any key."""
    return ORDER_ID_PREFIX + hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    route = route_of(event)
    try:
        if route == "POST /orders":
            return post_order(event, context)
        if route == "GET /orders/{order_id}":
            return get_order(path_parameter(event, "order_id"))
    except InvalidRequest as error:
        return error_response(400, "INVALID_REQUEST", str(error))
    return error_response(404, "NOT_FOUND", f"no route {route}")


def post_order(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order = Order.parse(header(event, "Idempotency-Key"), json_body(event))
    correlation_id = request_correlation_id(event, context)
    accepted = {"order_id": order.order_id, "status_url": f"/orders/{order.order_id}"}
    try:
        stepfunctions.start_execution(
            stateMachineArn=ORDER_SAGA_ARN,
            name=order.order_id,
            input=json.dumps({**asdict(order), "correlation_id": correlation_id}),
        )
    except stepfunctions.exceptions.ExecutionAlreadyExists:
        # A retry of this order (or a different order under the same key): compare what was ordered.
        started = json.loads(_describe(order.order_id)["input"])
        started.pop("correlation_id", None)
        if started != asdict(order):
            return error_response(422, "IDEMPOTENCY_KEY_REUSED", "the key was used for a different order")
    log.info("order accepted", correlation_id=correlation_id, order_id=order.order_id)
    return json_response(202, accepted)


def get_order(order_id: str) -> dict[str, Any]:
    if not order_id.startswith(ORDER_ID_PREFIX):
        return error_response(404, "NOT_FOUND", f"no order {order_id}")
    try:
        execution = _describe(order_id)
    except stepfunctions.exceptions.ExecutionDoesNotExist:
        return error_response(404, "NOT_FOUND", f"no order {order_id}")
    status = execution["status"]
    if status == "RUNNING":
        return json_response(200, {"order_id": order_id, "status": "IN_PROGRESS"})
    if status == "SUCCEEDED":
        output = json.loads(execution.get("output") or "{}")
        return json_response(
            200, {"order_id": order_id, "status": "SHIPPED", "shipment": output.get("shipment")}
        )
    return json_response(
        200,
        {
            "order_id": order_id,
            "status": "CANCELLED",
            "reason": execution.get("error", status),
            "message": execution.get("cause", ""),
        },
    )


def _describe(order_id: str) -> dict[str, Any]:
    # arn:aws:states:REGION:ACCOUNT:stateMachine:NAME -> arn:aws:states:REGION:ACCOUNT:execution:NAME:ORDER
    execution_arn = ORDER_SAGA_ARN.replace(":stateMachine:", ":execution:", 1) + f":{order_id}"
    described: dict[str, Any] = stepfunctions.describe_execution(executionArn=execution_arn)
    return described
