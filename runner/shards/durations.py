"""The durations store: JSON `{nodeid: seconds}` (setup + call + teardown), the input of sharding.

After a run the store is rebuilt from the shards' JUnit files: a test that ran gets its new time, a
planned test that did not report keeps its old one, and tests that are no longer planned are dropped.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import cast

from runner.errors import ConfigError

_PY_SUFFIX = re.compile(r"\.py$")


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


def junit_address(nodeid: str) -> tuple[str, str]:
    """(classname, name) pytest's junitxml writes for `nodeid` (its `mangle_test_address`)."""
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = _PY_SUFFIX.sub("", names[0].replace("/", "."))
    names[-1] += bracket + params
    return ".".join(names[:-1]), names[-1]


def junit_case_seconds(junit_file: Path) -> dict[tuple[str, str], float]:
    """Seconds per (classname, name) in one JUnit file (pytest reports setup + call + teardown)."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.parse(junit_file).getroot()
    except (OSError, ElementTree.ParseError) as error:
        raise ConfigError(f"JUnit file {junit_file} is unreadable: {error}") from error
    seconds: dict[tuple[str, str], float] = {}
    for case in root.iter("testcase"):
        try:
            time = float(case.get("time", "nan"))
        except ValueError:
            continue
        if math.isfinite(time) and time >= 0:
            key = (case.get("classname", ""), case.get("name", ""))
            seconds[key] = seconds.get(key, 0.0) + time
    return seconds


def merge_durations(
    previous: Mapping[str, float],
    case_seconds: Mapping[tuple[str, str], float],
    planned_nodeids: Iterable[str],
) -> dict[str, float]:
    """New store for `planned_nodeids`: this run's time, else the previous one; others dropped."""
    merged: dict[str, float] = {}
    for nodeid in planned_nodeids:
        measured = case_seconds.get(junit_address(nodeid))
        if measured is not None:
            merged[nodeid] = measured
        elif nodeid in previous:
            merged[nodeid] = previous[nodeid]
    return merged


def merge_results(previous: Mapping[str, float], results_dir: Path) -> dict[str, float]:
    """The store after a run whose shards wrote `shard-<i>.xml` and `shard-<i>.plan.json` here."""
    from runner.shards.slices import PlanSlice

    planned: list[str] = []
    for plan_file in sorted(results_dir.glob("shard-*.plan.json")):
        planned.extend(PlanSlice.read(plan_file).nodeids)
    case_seconds: dict[tuple[str, str], float] = {}
    for junit_file in sorted(results_dir.glob("shard-*.xml")):
        case_seconds.update(junit_case_seconds(junit_file))
    return merge_durations(previous, case_seconds, planned)
