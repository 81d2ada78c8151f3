"""The durations store: JSON `{nodeid: seconds}` (setup + call + teardown), the input of sharding.

After a run the store is rebuilt from the merged results (`report`, and `dev` after a full suite):
a test that reported gets this run's time, a planned test that did not report keeps its old time,
and every other old entry is stale and dropped. Without plans, the tests that reported are the plan.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import cast

from runner.errors import ConfigError


def load_durations(path: Path) -> dict[str, float]:
    """The store at `path`; a missing file is an empty store (first run)."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise ConfigError(f"durations file {path} is unreadable: {error}") from error
    if not isinstance(payload, dict):
        raise ConfigError(f"durations file {path} must hold a JSON object {{nodeid: seconds}}")
    durations: dict[str, float] = {}
    for nodeid, seconds in payload.items():
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
            raise ConfigError(f"durations file {path}: {nodeid!r} has no number of seconds")
        durations[str(nodeid)] = float(seconds)
    return durations


def save_durations(path: Path, durations: Mapping[str, float | None]) -> None:
    """Always valid JSON, one test per line: a time that is not a finite, non-negative number
    (`time="inf"` in a result file) is left out, so the test keeps no time rather than `Infinity`,
    which JSON has not. Written in slices with the C encoder (a million tests take well under a
    second and never a second copy of the whole text); entries keep the merge's order."""
    if not _all_usable(durations.values()):
        durations = {nodeid: seconds for nodeid, seconds in durations.items()
                     if seconds is not None and 0 <= seconds < math.inf}  # fmt: skip
    _write_atomically(path, _store_text(durations))


def _all_usable(values: Collection[float | None]) -> bool:
    """True when every time is a finite, non-negative number: three passes in C instead of a
    comparison per test in Python (a NaN or infinity makes the sum non-finite)."""
    if not values or None in values:
        return not values
    numbers = cast("Collection[float]", values)
    return min(numbers) >= 0 and math.isfinite(math.fsum(numbers))


def _store_text(durations: Mapping[str, float | None]) -> Iterator[str]:
    items = iter(durations.items())
    opening = "{\n "
    while piece := dict(itertools.islice(items, _SLICE)):
        # Between entries the C encoder writes `, "`; inside a key a quote is always `\"`, so that
        # sequence only ever separates entries.
        encoded = json.dumps(piece, allow_nan=False)[1:-1]
        yield opening + encoded.replace(', "', ',\n "')
        opening = ",\n "
    yield "{}\n" if opening == "{\n " else "\n}\n"


_SLICE = 10_000


def _write_atomically(path: Path, pieces: Iterable[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.writelines(pieces)
    temporary.replace(path)


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


def refresh_store(
    path: Path,
    this_run: Mapping[str, float | None],
    planned: Collection[str] | None,
    warn: Callable[[str], None],
) -> None:
    """Rewrite the store after a run; an unreadable store is said and replaced, never fatal."""
    try:
        previous = load_durations(path)
    except ConfigError as error:
        warn(f"durations store ignored and rewritten: {error}")
        previous = {}
    save_durations(path, merged_store(previous, this_run, planned))
