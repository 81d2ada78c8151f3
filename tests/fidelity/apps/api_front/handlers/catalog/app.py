"""Catalog lookups behind the REST API (Lambda proxy integration)."""

import json
import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)

ITEMS = {"apple": {"name": "apple", "price": 3}, "pear": {"name": "pear", "price": 4}}


def handler(event, context):
    item_id = (event.get("pathParameters") or {}).get("item_id")
    logger.info("catalog request %s %s", event["httpMethod"], event["path"])
    if item_id is None:
        return _response(200, {"items": sorted(ITEMS)})
    if item_id not in ITEMS:
        return _response(404, {"message": f"no item {item_id}"})
    return _response(200, ITEMS[item_id])


def _response(status, body):
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
