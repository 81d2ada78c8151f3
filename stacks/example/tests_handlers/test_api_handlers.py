"""The API's Lambda proxy handlers, called with API Gateway's event shape: status codes, idempotency
headers, and orders as executions of a real (stand-in) state machine on the local engine."""

from __future__ import annotations

import json
import uuid
from typing import Any

from handler_env import Handlers

from runner.testing import eventually


def _event(
    method: str, resource: str, *, body: Any = None, headers: dict[str, str] | None = None, **path: str
) -> dict[str, Any]:
    concrete = resource
    for name, value in path.items():
        concrete = concrete.replace(f"{{{name}}}", value)
    return {
        "httpMethod": method,
        "resource": resource,
        "path": concrete,
        "pathParameters": path or None,
        "headers": headers or {},
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
        "requestContext": {"requestId": f"req-{uuid.uuid4()}"},
    }


def _answer(response: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return response["statusCode"], json.loads(response["body"])


def test_a_reservation_is_created_replayed_and_read_back(handlers: Handlers, stocked_sku: Any) -> None:
    sku, key = stocked_sku(5), f"key-{uuid.uuid4()}"
    post = _event("POST", "/reservations", body={"sku": sku, "quantity": 2}, headers={"idempotency-key": key})

    created = _answer(handlers.reservations_api.handler(post, None))
    replayed = _answer(handlers.reservations_api.handler(post, None))
    read = _answer(handlers.reservations_api.handler(_event("GET", "/reservations/{key}", key=key), None))
    stock = _answer(handlers.reservations_api.handler(_event("GET", "/stock/{sku}", sku=sku), None))

    assert created[0] == 201
    assert replayed == created
    assert read[0] == 200
    assert (read[1]["reservation_id"], read[1]["status"], read[1]["quantity"]) == (
        created[1]["reservation_id"],
        "RESERVED",
        2,
    )
    assert stock == (200, {"sku": sku, "available": 3, "sequence": 1})


def test_reservation_refusals_have_their_own_status_codes(handlers: Handlers, stocked_sku: Any) -> None:
    sku, key = stocked_sku(5), f"key-{uuid.uuid4()}"
    handlers.reservations_api.handler(
        _event("POST", "/reservations", body={"sku": sku, "quantity": 1}, headers={"Idempotency-Key": key}),
        None,
    )

    def post(body: Any, headers: dict[str, str]) -> tuple[int, str]:
        status, answer = _answer(
            handlers.reservations_api.handler(
                _event("POST", "/reservations", body=body, headers=headers), None
            )
        )
        return status, answer["reason"]

    assert post({"sku": sku, "quantity": 9}, {"Idempotency-Key": f"other-{key}"}) == (
        409,
        "INSUFFICIENT_STOCK",
    )
    assert post({"sku": sku, "quantity": 2}, {"Idempotency-Key": key}) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert post({"sku": sku, "quantity": 1}, {}) == (400, "INVALID_REQUEST")
    assert post("not an object", {"Idempotency-Key": key}) == (400, "INVALID_REQUEST")
    assert (
        _answer(handlers.reservations_api.handler(_event("GET", "/stock/{sku}", sku="SKU-none"), None))[0]
        == 404
    )
    assert (
        _answer(handlers.reservations_api.handler(_event("GET", "/reservations/{key}", key="none"), None))[0]
        == 404
    )


def test_an_order_starts_one_execution_per_key_and_reports_its_outcome(handlers: Handlers) -> None:
    key = f"order-{uuid.uuid4()}"
    order = {
        "sku": "SKU-1",
        "quantity": 1,
        "amount_cents": 100,
        "payment_method": "pm_card_visa",
        "ship_to": {"country": "gb"},
    }
    post = _event(
        "POST", "/orders", body=order, headers={"Idempotency-Key": key, "X-Correlation-Id": "corr-1"}
    )

    accepted = _answer(handlers.orders_api.handler(post, None))
    repeated = _answer(handlers.orders_api.handler(post, None))
    reused = _answer(
        handlers.orders_api.handler(
            _event("POST", "/orders", body={**order, "quantity": 2}, headers={"Idempotency-Key": key}), None
        )
    )

    assert accepted[0] == 202
    assert repeated == accepted
    assert (reused[0], reused[1]["reason"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    order_id = accepted[1]["order_id"]

    finished = eventually(
        lambda: _answer(
            handlers.orders_api.handler(_event("GET", "/orders/{order_id}", order_id=order_id), None)
        ),
        until=lambda answer: answer[1]["status"] != "IN_PROGRESS",
        timeout=20,
    )
    assert finished == (
        200,
        {"order_id": order_id, "status": "SHIPPED", "shipment": {"tracking_number": "SP1"}},
    )


def test_an_unknown_order_or_an_invalid_one_is_answered_without_starting_anything(handlers: Handlers) -> None:
    unknown = _answer(
        handlers.orders_api.handler(_event("GET", "/orders/{order_id}", order_id="ord-0000"), None)
    )
    invalid = _answer(
        handlers.orders_api.handler(
            _event("POST", "/orders", body={"sku": "S"}, headers={"Idempotency-Key": "k"}), None
        )
    )

    assert unknown[0] == 404
    assert (invalid[0], invalid[1]["reason"]) == (400, "INVALID_REQUEST")
