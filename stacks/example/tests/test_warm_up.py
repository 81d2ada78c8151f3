"""Warming a function up before latency-sensitive tests: invoke until it answers, no fixed sleep."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from inventory_api import InventoryApi

from runner.testing import WarmResult


def test_the_reserve_function_warms_up_and_then_answers_at_once(
    inventory: InventoryApi, warm: Callable[..., WarmResult], request: pytest.FixtureRequest
) -> None:
    function_name = inventory.outputs.ReserveFunctionName
    # An empty command is rejected before any table is touched: a warm-up without side effects.
    first = warm(function_name, payload={})

    # Cold or already warm depends on the tests that ran before; a cold start's Init Duration is
    # recorded as a JUnit property of this test, and nothing is recorded for a warm environment.
    recorded = dict(request.node.user_properties).get(f"cold_start_ms.{function_name}")
    assert recorded == first.cold_start_ms
    assert first.function_error is None

    again = warm(function_name, payload={})

    assert (again.attempts, again.function_error) == (1, None)
    assert again.report is not None
    assert again.report.duration_ms is not None
