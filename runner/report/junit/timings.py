"""The durations store rewritten at report time from the merged results.

runner/shards/durations.py owns the store's format (load/save) and the rule; this applies the same rule to
the node-id keyed times the merge already has, so the JUnit files are not parsed a second time:
a test that reported gets this run's time, a planned test that did not report keeps its old time,
and every other old entry is stale and dropped. Without plans, the tests that reported are the plan.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping


def merged_store(
    previous: Mapping[str, float], this_run: Mapping[str, float | None], planned: Collection[str] | None
) -> Mapping[str, float | None]:
    """A test that reported without a usable time keeps its old one, if any (the writer leaves out
    times that are still None)."""
    if planned is None:
        if not previous or None not in this_run.values():
            return this_run
        kept = dict(this_run)
        kept.update((nodeid, previous[nodeid]) for nodeid, seconds in this_run.items()
                    if seconds is None and nodeid in previous)  # fmt: skip
        return kept
    merged: dict[str, float | None] = {nodeid: previous[nodeid] for nodeid in planned if nodeid in previous}
    merged.update(
        (nodeid, seconds) for nodeid, seconds in this_run.items() if nodeid in planned and seconds is not None
    )
    return merged
