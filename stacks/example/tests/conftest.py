"""Integration tests of the deployed inventory stack, run by `serverless-pr-test run` / `test`.

The project's pytest plugin supplies `stack` (outputs, clients), `capture_events`, `warm`,
`correlation_id` and `isolation_key`; this file adds only what is specific to this app.
"""

from __future__ import annotations

import pytest
from inventory_api import InventoryApi
from shared_queue import SharedQueue

from runner.testing import StackContext

ISOLATED_TRANSACTIONS = "isolated_transactions"
# moto 5.2.5 (the embedded endpoint) does not isolate concurrent DynamoDB transactions: a cancelled one
# puts back whole-table copies taken when it began, undoing or doubling writes other requests committed
# meanwhile. Tests that race transactions on purpose run against AWS only until the endpoint fixes that.
EMULATOR_RACES_TRANSACTIONS = (
    "the emulated endpoint (moto) does not isolate concurrent DynamoDB transactions; runs on AWS"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{ISOLATED_TRANSACTIONS}: races DynamoDB transactions; skipped on an emulated endpoint"
    )


@pytest.fixture(autouse=True)
def _skip_transaction_races_on_an_emulator(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker(ISOLATED_TRANSACTIONS):
        stack: StackContext = request.getfixturevalue("stack")
        if stack.endpoint_url is not None:
            pytest.skip(EMULATOR_RACES_TRANSACTIONS)


@pytest.fixture(scope="session")
def inventory(stack: StackContext) -> InventoryApi:
    return InventoryApi(stack)


@pytest.fixture(scope="session")
def alerts(stack: StackContext, inventory: InventoryApi) -> SharedQueue:
    """The Alerts queue (subscribed to the LowStock topic)."""
    return SharedQueue(stack.client("sqs"), inventory.outputs.AlertsQueueUrl)


@pytest.fixture(scope="session")
def downstream(stack: StackContext, inventory: InventoryApi) -> SharedQueue:
    """The Downstream queue (StockReserved events, through the stack's own rule)."""
    return SharedQueue(stack.client("sqs"), inventory.outputs.DownstreamQueueUrl)
