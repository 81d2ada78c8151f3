"""Give a reservation's stock back: the order saga's compensating step when a later step fails.

Input (the saga's ReleaseStock step): {"idempotency_key": str, "correlation_id": str (optional)}
Output: {"status": "RELEASED", "idempotency_key", "sku", "quantity"}
    or {"status": "NOT_RESERVED", "idempotency_key"} (nothing was reserved under that key)

The reservation is marked RELEASED and its units added back in one DynamoDB transaction, conditional on
the reservation still being RESERVED: Step Functions runs a task at least once (and this step retries),
so a repeated release must not return the units twice.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError
from command_input import command_payload, correlation_id_of, required_text
from structured_log import StructuredLogger

INVENTORY_TABLE_NAME = os.environ["INVENTORY_TABLE_NAME"]
RESERVATIONS_TABLE_NAME = os.environ["RESERVATIONS_TABLE_NAME"]
RESERVED, RELEASED, NOT_RESERVED = "RESERVED", "RELEASED", "NOT_RESERVED"

dynamodb = boto3.client("dynamodb")
log = StructuredLogger("release")


def handler(event: Any, context: Any) -> dict[str, Any]:
    payload = command_payload(event)
    key = required_text(payload, "idempotency_key")
    request_log = log.bind(correlation_id=correlation_id_of(event, payload, context), idempotency_key=key)
    response = release(key)
    request_log.info("release handled", **response)
    return response


def release(key: str) -> dict[str, Any]:
    stored = dynamodb.get_item(
        TableName=RESERVATIONS_TABLE_NAME, Key={"idempotency_key": {"S": key}}, ConsistentRead=True
    ).get("Item")
    if stored is None:
        return {"status": NOT_RESERVED, "idempotency_key": key}
    sku, quantity = stored["sku"]["S"], int(stored["quantity"]["N"])
    released = {"status": RELEASED, "idempotency_key": key, "sku": sku, "quantity": quantity}
    try:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": RESERVATIONS_TABLE_NAME,
                        "Key": {"idempotency_key": {"S": key}},
                        "UpdateExpression": "SET #status = :released, released_at = :now",
                        # Only the first of several deliveries of this step finds it RESERVED.
                        "ConditionExpression": "#status = :reserved",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {
                            ":reserved": {"S": RESERVED},
                            ":released": {"S": RELEASED},
                            ":now": {"S": datetime.now(UTC).isoformat()},
                        },
                    }
                },
                {
                    "Update": {
                        "TableName": INVENTORY_TABLE_NAME,
                        "Key": {"sku": {"S": sku}},
                        "UpdateExpression": "SET available = available + :quantity",
                        "ConditionExpression": "attribute_exists(sku)",
                        "ExpressionAttributeValues": {":quantity": {"N": str(quantity)}},
                    }
                },
            ]
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
            raise
        reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
        if reasons[:1] != ["ConditionalCheckFailed"]:
            raise
        # Already released by an earlier delivery of this step: the same answer, nothing given back twice.
    return released
