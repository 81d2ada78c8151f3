"""Helpers for event-driven serverless tests against a PR stack. The pytest plugin
(`runner.pytest_plugin`) wraps them in fixtures; they work without pytest too.

    def test_reservation_publishes_stock_reserved(stack, capture_events, correlation_id):
        events = capture_events(stack["BusName"], {"detail-type": ["StockReserved"]})
        reserve(stack, sku="A", qty=1, idempotency_key=correlation_id)
        [event] = events.wait_for({"detail": {"idempotencyKey": correlation_id}}, timeout=30)

    def test_item_is_written(stack, isolation_key):
        table = stack.client("dynamodb")
        item = eventually(lambda: table.get_item(...).get("Item"), timeout=20)
"""

from runner.polling import Backoff, Clock, eventually
from runner.testing.events import EventCapture, contains
from runner.testing.idempotency import assert_idempotent
from runner.testing.ids import correlation_id, isolation_key, run_id_from_env
from runner.testing.ordering import assert_latest_wins, shuffled_with_duplicates
from runner.testing.stack import StackContext, stack_from_names, stack_from_record
from runner.testing.warmup import ReportLine, WarmResult, warm

__all__ = [
    "Backoff",
    "Clock",
    "EventCapture",
    "ReportLine",
    "StackContext",
    "WarmResult",
    "assert_idempotent",
    "assert_latest_wins",
    "contains",
    "correlation_id",
    "eventually",
    "isolation_key",
    "run_id_from_env",
    "shuffled_with_duplicates",
    "stack_from_names",
    "stack_from_record",
    "warm",
]
