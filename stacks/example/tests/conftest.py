"""Integration tests of the deployed inventory stack, run by `serverless-pr-test run` / `test`.

The project's pytest plugin supplies `stack` (outputs, clients), `capture_events`, `warm`,
`correlation_id` and `isolation_key`; this file adds only what is specific to this app.
"""

from __future__ import annotations

import pytest
from api_client import InventoryHttpApi
from inventory_api import InventoryApi
from shared_queue import SharedQueue

from runner.testing import StackContext


@pytest.fixture(scope="session")
def inventory(stack: StackContext) -> InventoryApi:
    return InventoryApi(stack)


@pytest.fixture(scope="session")
def api(inventory: InventoryApi) -> InventoryHttpApi:
    """The REST API at the stack's `ApiUrl` output."""
    return InventoryHttpApi(inventory.outputs.ApiUrl)


@pytest.fixture(scope="session")
def alerts(stack: StackContext, inventory: InventoryApi) -> SharedQueue:
    """The Alerts queue (subscribed to the LowStock topic)."""
    return SharedQueue(stack.client("sqs"), inventory.outputs.AlertsQueueUrl)


@pytest.fixture(scope="session")
def downstream(stack: StackContext, inventory: InventoryApi) -> SharedQueue:
    """The Downstream queue (StockReserved events, through the stack's own rule)."""
    return SharedQueue(stack.client("sqs"), inventory.outputs.DownstreamQueueUrl)
