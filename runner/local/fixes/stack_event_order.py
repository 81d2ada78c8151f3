"""Stack events get strictly increasing timestamps.

moto stamps events with the wall clock, and a whole stack is created within one millisecond, so
DescribeStackEvents returns many events with equal (millisecond) timestamps. Clients that order
by timestamp, such as the CDK CLI's progress display, then print COMPLETE before IN_PROGRESS. In
CloudFormation each event of a stack is later than the previous one.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from runner.local.fixes.fix import Fix

_STEP = timedelta(milliseconds=1)
_last_by_stack: dict[str, datetime] = {}
_lock = threading.Lock()


def _init(original: Any) -> Any:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        with _lock:
            previous = _last_by_stack.get(self.stack_id)
            if previous is not None and self.timestamp < previous + _STEP:
                self.timestamp = previous + _STEP
            _last_by_stack[self.stack_id] = self.timestamp

    return __init__


def _install() -> None:
    from moto.cloudformation.models import Event

    Event.__init__ = _init(Event.__init__)  # type: ignore[method-assign]


FIX = Fix(
    name="stack_event_order",
    description="Each stack event is at least 1 ms after the previous one, so clients order them right",
    install=_install,
)
