"""Partial batch responses (FunctionResponseTypes: ReportBatchItemFailures) for queue and stream sources."""

from __future__ import annotations

import json


def failed_item_ids(payload: bytes) -> set[str] | None:
    """The `batchItemFailures` of a partial batch response; None when the response is not one."""
    try:
        response = json.loads(payload or b"null")
    except ValueError:
        return None
    if not isinstance(response, dict) or not isinstance(response.get("batchItemFailures"), list):
        return None
    return {
        str(item.get("itemIdentifier")) for item in response["batchItemFailures"] if isinstance(item, dict)
    }
