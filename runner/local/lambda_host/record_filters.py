"""Event source mapping FilterCriteria: which records reach the function (EventBridge pattern syntax)."""

from __future__ import annotations

import contextlib
import json
from typing import Any


def record_matches(filter_criteria: Any, record: dict[str, Any]) -> bool:
    """True when there are no filters or any filter's pattern matches. For SQS a JSON body is matched
    as an object, as Lambda does; a body that is not JSON is matched as a plain string."""
    filters = (filter_criteria or {}).get("Filters") or []
    if not filters:
        return True
    from moto.events.models import EventPattern

    subject = dict(record)
    if isinstance(subject.get("body"), str):
        with contextlib.suppress(ValueError):
            subject["body"] = json.loads(subject["body"])
    patterns: list[Any] = [EventPattern.load(entry["Pattern"]) for entry in filters]
    return any(pattern.matches_event(subject) for pattern in patterns)
