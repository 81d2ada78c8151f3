"""DynamoDB requests run one at a time, so concurrent transactions are isolated as on AWS.

moto's `transact_write_items` deep-copies every table it touches, applies its writes, and when one
condition fails puts the copies back. With the server's threads running requests at once, a
cancelled transaction undoes writes other requests committed meanwhile (a reservation's stock
decrement lost) or lets a racing one apply twice (two decrements for one idempotency key), and the
copy itself can fail with "dictionary changed size during iteration" (HTTP 500). AWS never loses an
acknowledged write: serializing the DynamoDB handler makes moto's snapshot-and-restore safe. Each
request takes a few milliseconds, so the local endpoint loses no noticeable throughput.
"""

from __future__ import annotations

import threading
from typing import Any

from runner.local.fixes.fix import Fix

# Reentrant: an action may dispatch another through the same handler (e.g. batch operations).
_dynamodb_lock = threading.RLock()


def _install() -> None:
    from moto.dynamodb.responses import DynamoHandler

    unserialized = DynamoHandler.call_action

    def call_action(self: DynamoHandler) -> Any:
        with _dynamodb_lock:
            return unserialized(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]


FIX = Fix(
    name="dynamodb_requests_serialized",
    description="DynamoDB requests one at a time: a cancelled transaction never undoes others' writes",
    install=_install,
)
