"""Turn table changes into notifications: new reservations -> `StockReserved` events on the custom bus,
an Inventory level falling below the threshold -> a message on the `LowStock` topic.

Subscribed to both tables' DynamoDB streams; reports partial batch failures so one bad record does not
replay the records already published before it.

`StockReserved` (source `inventory.reservations`) detail:
    {"reservation_id", "sku", "quantity", "idempotency_key", "correlation_id" (str or null)}
`LowStock` message (JSON): {"sku", "available", "threshold"}
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from structured_log import StructuredLogger

EVENT_SOURCE = "inventory.reservations"
STOCK_RESERVED = "StockReserved"
EVENT_BUS_NAME = os.environ["EVENT_BUS_NAME"]
LOW_STOCK_TOPIC_ARN = os.environ["LOW_STOCK_TOPIC_ARN"]
RESERVATIONS_TABLE_NAME = os.environ["RESERVATIONS_TABLE_NAME"]
INVENTORY_TABLE_NAME = os.environ["INVENTORY_TABLE_NAME"]
LOW_STOCK_THRESHOLD = int(os.environ.get("LOW_STOCK_THRESHOLD", "5"))
SNS_SUBJECT_MAX_LENGTH = 100

events = boto3.client("events")
sns = boto3.client("sns")
log = StructuredLogger("publisher")
_deserializer = TypeDeserializer()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    for record in event.get("Records", []):
        try:
            handle_record(record)
        except Exception:
            log.exception("record not published", event_id=record.get("eventID"))
            # Streams are ordered: Lambda retries from the first failure, so report it and stop here.
            return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
    return {"batchItemFailures": []}


def handle_record(record: dict[str, Any]) -> None:
    table_name = _table_name(record.get("eventSourceARN", ""))
    change = record.get("dynamodb", {})
    new_image = _plain(change.get("NewImage"))
    old_image = _plain(change.get("OldImage"))
    if table_name == RESERVATIONS_TABLE_NAME and record.get("eventName") == "INSERT" and new_image:
        publish_stock_reserved(new_image)
    elif table_name == INVENTORY_TABLE_NAME and new_image and _fell_below_threshold(old_image, new_image):
        publish_low_stock(new_image)


def publish_stock_reserved(reservation: dict[str, Any]) -> None:
    detail = {
        "reservation_id": reservation["reservation_id"],
        "sku": reservation["sku"],
        "quantity": reservation["quantity"],
        "idempotency_key": reservation["idempotency_key"],
        "correlation_id": reservation.get("correlation_id"),
    }
    result = events.put_events(
        Entries=[
            {
                "EventBusName": EVENT_BUS_NAME,
                "Source": EVENT_SOURCE,
                "DetailType": STOCK_RESERVED,
                "Detail": json.dumps(detail),
            }
        ]
    )
    if result.get("FailedEntryCount"):
        # put_events answers 200 even when the entry was refused: raising makes the stream retry it.
        raise RuntimeError(f"EventBridge refused StockReserved: {result['Entries']}")
    log.info("published StockReserved", **detail)


def publish_low_stock(item: dict[str, Any]) -> None:
    message = {"sku": item["sku"], "available": item["available"], "threshold": LOW_STOCK_THRESHOLD}
    sns.publish(
        TopicArn=LOW_STOCK_TOPIC_ARN,
        Subject=f"Low stock: {item['sku']}"[:SNS_SUBJECT_MAX_LENGTH],
        Message=json.dumps(message),
    )
    log.info("published LowStock", **message)


def _fell_below_threshold(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    """Crossing the threshold alerts once; further decrements below it do not repeat the alert."""
    new_level = new.get("available")
    if not isinstance(new_level, int) or new_level >= LOW_STOCK_THRESHOLD:
        return False
    old_level = (old or {}).get("available")
    return not isinstance(old_level, int) or old_level >= LOW_STOCK_THRESHOLD


def _table_name(stream_arn: str) -> str:
    """`arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL` -> NAME."""
    parts = stream_arn.split(":", 5)[-1].split("/")
    return parts[1] if len(parts) > 1 and parts[0] == "table" else ""


def _plain(image: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stream image as plain Python values (DynamoDB numbers become int when whole)."""
    if not image:
        return None
    return {name: _number(_deserializer.deserialize(value)) for name, value in image.items()}


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
