"""The durations store (`{nodeid: seconds}`, setup + call + teardown) rewritten from this run's results.

runner/durations.py (the sharding side) reads the store; this writes it at report time. A test that
reported gets this run's time; a planned test that did not report (its shard was lost) keeps its old
time so one broken run does not erase what is known; every other old entry is stale and dropped.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from pathlib import Path


def read_store(path: Path) -> dict[str, float]:
    """The store at `path`, or empty when it is missing or unreadable (it is only a hint for sharding)."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(payload, dict):
        return {}
    return {
        str(nodeid): float(seconds)
        for nodeid, seconds in payload.items()
        if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds >= 0
    }


def merged_store(
    previous: Mapping[str, float], this_run: Mapping[str, float], planned: Collection[str] = ()
) -> dict[str, float]:
    merged = {nodeid: seconds for nodeid, seconds in previous.items() if nodeid in planned}
    merged.update(this_run)
    return dict(sorted(merged.items()))


def write_store(path: Path, durations_by_nodeid: Mapping[str, float]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    rounded = {nodeid: round(seconds, 4) for nodeid, seconds in durations_by_nodeid.items()}
    temporary.write_text(json.dumps(rounded, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    temporary.replace(path)
