"""Identifiers that tie test data and events to one run and one test.

A correlation id starts with the run id, so an EventBridge rule can select one run's events with a
prefix match, and it is the same every time the same test runs in the same run (easy to grep).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping

RUN_ID_ENV = "SPT_RUN_ID"
_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")
# Keeps correlation ids well under DynamoDB key, SQS attribute and header limits.
_MAX_RUN_ID = 32


def run_id_from_env(env: Mapping[str, str]) -> str:
    """`SPT_RUN_ID` made safe for resource names; without it a fresh id, so two local runs against
    the same stack never share data keys."""
    raw = env.get(RUN_ID_ENV, "").strip()
    return sanitize_run_id(raw) if raw else f"local-{secrets.token_hex(4)}"


def sanitize_run_id(raw: str) -> str:
    cleaned = _UNSAFE.sub("-", raw).strip("-") or "run"
    if len(cleaned) <= _MAX_RUN_ID:
        return cleaned
    digest = hashlib.sha256(raw.encode()).hexdigest()[:8]
    return f"{cleaned[: _MAX_RUN_ID - 9]}-{digest}"


def _test_digest(nodeid: str) -> str:
    return hashlib.sha256(nodeid.encode()).hexdigest()[:12]


def correlation_id(run_id: str, nodeid: str) -> str:
    """Deterministic per (run, test)."""
    return f"{run_id}-{_test_digest(nodeid)}"


def isolation_key(run_id: str, shard_label: str, nodeid: str, occurrence: int = 0) -> str:
    """Unique per run, shard and test (and per repeat of a test within one session, e.g. reruns):
    for data keys in tables the shards share."""
    suffix = f"-{occurrence}" if occurrence else ""
    return f"{run_id}-{shard_label}-{_test_digest(nodeid)}{suffix}"
