"""Set a sku's available level from the warehouse feed, applying only levels newer than the stored one.

Input (direct invoke, or the `detail` of an EventBridge event):
    {"sku": str, "available": int >= 0, "sequence": int >= 0, "correlation_id": str (optional)}
Output: {"status": "APPLIED", "sku", "available", "sequence"}
    or {"status": "STALE", "sku", "sequence", "current_sequence"} (nothing written)
    or {"status": "REJECTED", "reason": "INVALID_REQUEST", "message"}

Reservations decrement `available` without touching `sequence`: the sequence orders the feed's absolute
levels among themselves, and a newer level replaces whatever the reservations left.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import boto3
from command_input import InvalidRequest, command_payload, correlation_id_of, required_int, required_text
from structured_log import StructuredLogger

INVENTORY_TABLE_NAME = os.environ["INVENTORY_TABLE_NAME"]

dynamodb = boto3.client("dynamodb")
log = StructuredLogger("update_stock")


class Status(StrEnum):
    APPLIED = "APPLIED"
    STALE = "STALE"
    REJECTED = "REJECTED"


@dataclass(frozen=True)
class StockLevel:
    sku: str
    available: int
    sequence: int

    @classmethod
    def parse(cls, payload: dict[str, Any]) -> StockLevel:
        return cls(
            sku=required_text(payload, "sku"),
            available=required_int(payload, "available", minimum=0),
            sequence=required_int(payload, "sequence", minimum=0),
        )


def handler(event: Any, context: Any) -> dict[str, Any]:
    request_log = log
    try:
        payload = command_payload(event)
        request_log = log.bind(correlation_id=correlation_id_of(event, payload, context))
        level = StockLevel.parse(payload)
    except InvalidRequest as error:
        request_log.warning("invalid stock update", error=str(error))
        return {"status": Status.REJECTED.value, "reason": "INVALID_REQUEST", "message": str(error)}
    response = apply_level(level)
    request_log.info("stock update handled", **response)
    return response


def apply_level(level: StockLevel) -> dict[str, Any]:
    try:
        dynamodb.update_item(
            TableName=INVENTORY_TABLE_NAME,
            Key={"sku": {"S": level.sku}},
            UpdateExpression="SET available = :available, #sequence = :sequence, updated_at = :now",
            # The feed delivers out of order (retries, parallel consumers): without this condition a
            # late, older level would overwrite a newer one. An equal sequence is a duplicate: skipped.
            ConditionExpression="attribute_not_exists(#sequence) OR #sequence < :sequence",
            ExpressionAttributeNames={"#sequence": "sequence"},
            ExpressionAttributeValues={
                ":available": {"N": str(level.available)},
                ":sequence": {"N": str(level.sequence)},
                ":now": {"S": datetime.now(UTC).isoformat()},
            },
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except dynamodb.exceptions.ConditionalCheckFailedException as error:
        # ALL_OLD puts the stored item on the error, saving a read to report what is newer.
        response: dict[str, Any] = dict(error.response)
        stored: dict[str, Any] = response.get("Item") or {}
        current = stored.get("sequence", {}).get("N")
        return {
            "status": Status.STALE.value,
            "sku": level.sku,
            "sequence": level.sequence,
            "current_sequence": int(current) if current is not None else None,
        }
    return {
        "status": Status.APPLIED.value,
        "sku": level.sku,
        "available": level.available,
        "sequence": level.sequence,
    }
