"""CloudFormation custom resource (`Custom::SeedStock`): put the initial stock levels in the Inventory table.

Properties: {"TableName": str, "Stock": [{"sku": str, "available": int}, ...]}. Create and Update add
the skus that are not there yet (sequence 0) and never overwrite a level already in the table, so
re-deploying a long-lived stack does not reset live stock. Delete does nothing: the items go with the
table. Plain Python (no cfn-response module, no Node.js provider framework): the result is PUT to
the pre-signed ResponseURL with urllib.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3
from structured_log import StructuredLogger

dynamodb = boto3.client("dynamodb")
log = StructuredLogger("seed_stock")
RESPONSE_TIMEOUT_SECONDS = 10


def handler(event: dict[str, Any], context: Any) -> None:
    request_log = log.bind(request_type=event.get("RequestType"), request_id=event.get("RequestId"))
    properties = event.get("ResourceProperties", {})
    physical_id = event.get("PhysicalResourceId") or f"seed-stock-{properties.get('TableName', 'unknown')}"
    status, reason, data = "SUCCESS", "", {}
    try:
        if event["RequestType"] in ("Create", "Update"):
            data = {"Seeded": ",".join(seed(properties["TableName"], properties.get("Stock", [])))}
        request_log.info("seed handled", **data)
    except Exception as error:
        request_log.exception("seed failed")
        log_stream = getattr(context, "log_stream_name", "unknown")
        status, reason = "FAILED", f"{type(error).__name__}: {error} (log stream {log_stream})"
    # Always answer: a custom resource that never responds hangs the stack for an hour.
    send_response(event, status, reason, physical_id, data)


def seed(table_name: str, stock: list[dict[str, Any]]) -> list[str]:
    """Put each level that is missing; returns the skus written."""
    written = []
    for entry in stock:
        sku = str(entry["sku"])
        # CloudFormation passes every property as a string; str() first also accepts real numbers.
        available = int(str(entry["available"]))
        try:
            dynamodb.put_item(
                TableName=table_name,
                Item={"sku": {"S": sku}, "available": {"N": str(available)}, "sequence": {"N": "0"}},
                # An Update (or a replayed Create) must not clobber stock that reservations and the
                # feed have changed since the first seed.
                ConditionExpression="attribute_not_exists(sku)",
            )
            written.append(sku)
        except dynamodb.exceptions.ConditionalCheckFailedException:
            continue
    return written


def send_response(
    event: dict[str, Any], status: str, reason: str, physical_id: str, data: dict[str, Any]
) -> None:
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason[:1000],
            "PhysicalResourceId": physical_id,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
            "Data": data,
        }
    ).encode()
    request = urllib.request.Request(
        event["ResponseURL"],
        data=body,
        method="PUT",
        # The pre-signed S3 URL is signed without a content type: sending one breaks the signature.
        headers={"Content-Type": "", "Content-Length": str(len(body))},
    )
    with urllib.request.urlopen(request, timeout=RESPONSE_TIMEOUT_SECONDS) as response:
        log.info("response sent", status=status, http_status=response.status)
