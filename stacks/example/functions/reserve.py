"""Reserve stock idempotently: one reservation per idempotency key, never more than is available.

Input (direct invoke, e.g. the order saga's Reserve step, or the `detail` of a `ReserveStock` EventBridge
event; `POST /reservations` calls `reserve()` in-process):
    {"idempotency_key": str, "sku": str, "quantity": int >= 1, "correlation_id": str (optional)}
Output: {"status": "RESERVED", "reservation_id", "idempotency_key", "sku", "quantity", "reserved_at"}
    or {"status": "REJECTED", "reason": "INSUFFICIENT_STOCK" | "IDEMPOTENCY_KEY_REUSED", "idempotency_key",
        "sku", "quantity"}
    or {"status": "REJECTED", "reason": "INVALID_REQUEST", "message"}

The reservation record and the stock decrement are one DynamoDB transaction, so a record exists exactly
when stock was taken: there is no "in progress" state to expire (unlike a separate idempotency table).
A rejected request stores nothing, so the same key may succeed later once stock is replenished.
Two attempts racing on one key may cancel each other (TransactionConflict): `ReservationConflict` says so,
and a retry with the same key is safe by construction.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import boto3
from botocore.exceptions import ClientError
from command_input import InvalidRequest, command_payload, correlation_id_of, required_int, required_text
from structured_log import StructuredLogger

INVENTORY_TABLE_NAME = os.environ["INVENTORY_TABLE_NAME"]
RESERVATIONS_TABLE_NAME = os.environ["RESERVATIONS_TABLE_NAME"]

# Created once per execution environment (init phase); boto3 honours AWS_ENDPOINT_URL when set.
dynamodb = boto3.client("dynamodb")
log = StructuredLogger("reserve")


class Status(StrEnum):
    RESERVED = "RESERVED"
    REJECTED = "REJECTED"


class ReservationConflict(Exception):
    """A concurrent write to the same reservation or sku cancelled this one: retry with the same key."""


class RejectReason(StrEnum):
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    INVALID_REQUEST = "INVALID_REQUEST"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"


@dataclass(frozen=True)
class ReserveRequest:
    idempotency_key: str
    sku: str
    quantity: int
    correlation_id: str | None

    @classmethod
    def parse(cls, payload: dict[str, Any], correlation_id: str | None) -> ReserveRequest:
        return cls(
            idempotency_key=required_text(payload, "idempotency_key"),
            sku=required_text(payload, "sku"),
            quantity=required_int(payload, "quantity", minimum=1),
            correlation_id=correlation_id,
        )


def handler(event: Any, context: Any) -> dict[str, Any]:
    request_log = log
    try:
        payload = command_payload(event)
        correlation_id = correlation_id_of(event, payload, context)
        request_log = log.bind(correlation_id=correlation_id)
        request = ReserveRequest.parse(payload, correlation_id)
    except InvalidRequest as error:
        request_log.warning("invalid reserve request", error=str(error))
        return {
            "status": Status.REJECTED.value,
            "reason": RejectReason.INVALID_REQUEST.value,
            "message": str(error),
        }
    request_log = request_log.bind(idempotency_key=request.idempotency_key, sku=request.sku)
    response = reserve(request)
    request_log.info("reserve handled", **response)
    return response


def reserve(request: ReserveRequest) -> dict[str, Any]:
    response: dict[str, Any] = {
        "status": Status.RESERVED.value,
        "reservation_id": str(uuid.uuid4()),
        "idempotency_key": request.idempotency_key,
        "sku": request.sku,
        "quantity": request.quantity,
        "reserved_at": datetime.now(UTC).isoformat(),
    }
    record: dict[str, Any] = {
        "idempotency_key": {"S": request.idempotency_key},
        "reservation_id": {"S": response["reservation_id"]},
        "sku": {"S": request.sku},
        "quantity": {"N": str(request.quantity)},
        "reserved_at": {"S": response["reserved_at"]},
        # RESERVED until the order saga's compensation gives the stock back (RELEASED).
        "status": {"S": Status.RESERVED.value},
        # The exact first response, replayed verbatim to every retry with this key.
        "response": {"S": json.dumps(response, sort_keys=True)},
    }
    if request.correlation_id:
        record["correlation_id"] = {"S": request.correlation_id}
    try:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": RESERVATIONS_TABLE_NAME,
                        "Item": record,
                        # A retry (client timeout, EventBridge's at-least-once redelivery) can run while
                        # the first attempt is still in flight: only one of them can create the record,
                        # so the stock below is taken once per key, never twice.
                        "ConditionExpression": "attribute_not_exists(idempotency_key)",
                    }
                },
                {
                    "Update": {
                        "TableName": INVENTORY_TABLE_NAME,
                        "Key": {"sku": {"S": request.sku}},
                        "UpdateExpression": "SET available = available - :quantity",
                        # Two reservations can race for the last units: checking and decrementing in
                        # one conditional write means stock never goes below zero (read-then-write
                        # would oversell). An unknown sku has no `available`, so it fails here too.
                        "ConditionExpression": "available >= :quantity",
                        "ExpressionAttributeValues": {":quantity": {"N": str(request.quantity)}},
                    }
                },
            ]
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
            raise
        reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
        if reasons[:1] == ["ConditionalCheckFailed"]:
            return _replay(request)
        if reasons[1:2] == ["ConditionalCheckFailed"]:
            return _rejected(request, RejectReason.INSUFFICIENT_STOCK)
        if "TransactionConflict" in reasons:
            raise ReservationConflict(
                f"reservation {request.idempotency_key} conflicted: {reasons}"
            ) from error
        raise
    return response


def _replay(request: ReserveRequest) -> dict[str, Any]:
    """The stored first response for this key (consistent read: the record was just committed)."""
    stored = dynamodb.get_item(
        TableName=RESERVATIONS_TABLE_NAME,
        Key={"idempotency_key": {"S": request.idempotency_key}},
        ConsistentRead=True,
    )["Item"]
    if stored["sku"]["S"] != request.sku or int(stored["quantity"]["N"]) != request.quantity:
        # Same key, different order: a client bug that must not silently return someone else's result.
        return _rejected(request, RejectReason.IDEMPOTENCY_KEY_REUSED)
    replayed: dict[str, Any] = json.loads(stored["response"]["S"])
    return replayed


def _rejected(request: ReserveRequest, reason: RejectReason) -> dict[str, Any]:
    return {
        "status": Status.REJECTED.value,
        "reason": reason.value,
        "idempotency_key": request.idempotency_key,
        "sku": request.sku,
        "quantity": request.quantity,
    }
