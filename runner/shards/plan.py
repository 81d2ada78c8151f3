"""Split one collected suite into N balanced shards by recorded durations. Pure: no pytest, no I/O.

Every shard computes the whole plan from the same inputs (collection order, durations, shard count,
groups) and keeps its own slice, so the shards agree without talking to each other.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from runner.errors import ConfigError
from runner.limits import MAX_SHARDS

_SHARD_TEXT = re.compile(r"^\s*([0-9]{1,12})\s*/\s*([0-9]{1,12})\s*$")
# Refinement stops after this many improving moves; each one strictly lowers the heaviest shard.
_MAX_REFINEMENTS = 500
NAMED_GROUP_PREFIX = "group:"


@dataclass(frozen=True)
class ShardSpec:
    """Shard `index` (1-based) of `count`."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_SHARDS:
            raise ConfigError(f"shard count must be from 1 to {MAX_SHARDS}, got {self.count}")
        if not 1 <= self.index <= self.count:
            raise ConfigError(f"shard must be i/N with 1 <= i <= N, got {self.index}/{self.count}")

    @classmethod
    def parse(cls, text: str) -> ShardSpec:
        match = _SHARD_TEXT.match(text)
        if not match:
            raise ConfigError(f"shard must look like i/N (for example 2/4), got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


class GroupBy(Enum):
    """What must stay together on one shard (module or class fixtures are expensive to repeat)."""

    MODULE = "module"
    CLASS = "class"
    NONE = "none"


def group_key(nodeid: str, group_by: GroupBy, named_group: str | None = None) -> str:
    """The unit a test is scheduled with: its named group, module, class (or module), or itself."""
    if named_group:
        return NAMED_GROUP_PREFIX + named_group
    if group_by is GroupBy.NONE:
        return nodeid
    # Parameter ids may contain "::"; they never decide the module or class.
    parts = nodeid.split("[", 1)[0].split("::")
    if group_by is GroupBy.MODULE:
        return parts[0]
    return "::".join(parts[:-1]) if len(parts) > 1 else parts[0]


@dataclass(frozen=True)
class ShardPlan:
    """Node ids per shard (collection order kept inside each) and their estimated seconds."""

    shards: tuple[tuple[str, ...], ...]
    estimated_seconds: tuple[float, ...]

    @property
    def plan_hash(self) -> str:
        """Identifies the whole assignment: shards that planned differently disagree on it."""
        return plan_hash(self.shards)

    def slice_for(self, shard: ShardSpec) -> tuple[str, ...]:
        if shard.count != len(self.shards):
            raise ConfigError(f"plan has {len(self.shards)} shards, asked for shard {shard}")
        return self.shards[shard.index - 1]

    @property
    def imbalance(self) -> float:
        """max / mean of the estimated shard durations (1.0 is perfect)."""
        total = sum(self.estimated_seconds)
        if total <= 0:
            return 1.0
        return max(self.estimated_seconds) / (total / len(self.estimated_seconds))


def plan_hash(shards: Sequence[Sequence[str]]) -> str:
    canonical = json.dumps([list(shard) for shard in shards], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def estimate_durations(nodeids: Sequence[str], durations: Mapping[str, float]) -> list[float]:
    """Recorded seconds per test; a test without a record counts as the mean of the known ones."""
    known = [durations[n] for n in nodeids if _usable(durations.get(n))]
    fallback = sum(known) / len(known) if known else 1.0
    return [durations[n] if _usable(durations.get(n)) else fallback for n in nodeids]


def _usable(seconds: float | None) -> bool:
    return seconds is not None and math.isfinite(seconds) and seconds >= 0


def plan_shards(
    nodeids: Sequence[str],
    durations: Mapping[str, float],
    shard_count: int,
    groups: Mapping[str, str] | None = None,
) -> ShardPlan:
    """Longest unit first onto the lightest shard (ties: earlier collected unit, lower shard), then
    exchanges between the heaviest shard and lighter ones while they lower the maximum.

    `groups` maps a node id to its unit key (see `group_key`); tests sharing a key stay together.
    """
    if shard_count < 1:
        raise ConfigError(f"shard count must be at least 1, got {shard_count}")
    estimates = estimate_durations(nodeids, durations)
    units: dict[str, list[int]] = {}
    for position, nodeid in enumerate(nodeids):
        key = groups.get(nodeid, nodeid) if groups else nodeid
        units.setdefault(key, []).append(position)
    unit_members = list(units.values())
    unit_seconds = [sum(estimates[p] for p in members) for members in unit_members]

    assignment = _longest_first(unit_seconds, shard_count)
    _refine(assignment, unit_seconds)

    shards = tuple(
        tuple(nodeids[p] for p in sorted(p for u in shard_units for p in unit_members[u]))
        for shard_units in assignment
    )
    loads = tuple(sum(unit_seconds[u] for u in shard_units) for shard_units in assignment)
    return ShardPlan(shards=shards, estimated_seconds=loads)


def _longest_first(unit_seconds: Sequence[float], shard_count: int) -> list[list[int]]:
    order = sorted(range(len(unit_seconds)), key=lambda u: (-unit_seconds[u], u))
    heap = [(0.0, shard) for shard in range(shard_count)]
    assignment: list[list[int]] = [[] for _ in range(shard_count)]
    for unit in order:
        load, shard = heapq.heappop(heap)
        assignment[shard].append(unit)
        heapq.heappush(heap, (load + unit_seconds[unit], shard))
    return assignment


def _refine(assignment: list[list[int]], unit_seconds: Sequence[float]) -> None:
    """Move or swap one unit between the heaviest shard and a lighter one while that strictly lowers
    the heavier of the two below the current maximum. Deterministic; never makes the plan worse."""
    loads = [sum(unit_seconds[u] for u in shard) for shard in assignment]
    for _ in range(_MAX_REFINEMENTS):
        heavy = max(range(len(loads)), key=lambda s: (loads[s], -s))
        lighter = sorted((s for s in range(len(loads)) if s != heavy), key=lambda s: (loads[s], s))
        for light in lighter:
            exchange = _best_exchange(
                assignment[heavy], assignment[light], loads[heavy], loads[light], unit_seconds
            )
            if exchange is not None:
                out_unit, in_unit = exchange
                assignment[heavy].remove(out_unit)
                assignment[light].append(out_unit)
                delta = unit_seconds[out_unit]
                if in_unit is not None:
                    assignment[light].remove(in_unit)
                    assignment[heavy].append(in_unit)
                    delta -= unit_seconds[in_unit]
                loads[heavy] -= delta
                loads[light] += delta
                break
        else:
            return


def _best_exchange(
    heavy_units: Sequence[int],
    light_units: Sequence[int],
    heavy_load: float,
    light_load: float,
    unit_seconds: Sequence[float],
) -> tuple[int, int | None] | None:
    """The move (unit, None) or swap (unit, other) whose transferred amount is closest to half the gap,
    if it leaves both shards strictly below `heavy_load`."""
    gap = heavy_load - light_load
    if gap <= 1e-12:
        return None
    target = gap / 2
    light_sorted = sorted(light_units, key=lambda u: (unit_seconds[u], u))
    light_values = [unit_seconds[u] for u in light_sorted]
    best: tuple[float, int, int | None] | None = None
    for unit in sorted(heavy_units):
        seconds = unit_seconds[unit]
        candidates: list[tuple[float, int | None]] = [(seconds, None)]
        # The swap partner whose duration makes the transfer closest to the target.
        wanted = seconds - target
        at = bisect.bisect_left(light_values, wanted)
        for index in (at - 1, at):
            if 0 <= index < len(light_sorted):
                candidates.append((seconds - light_values[index], light_sorted[index]))
        for transferred, partner in candidates:
            if not 1e-12 < transferred < gap - 1e-12:
                continue
            distance = abs(transferred - target)
            if best is None or distance < best[0] - 1e-12:
                best = (distance, unit, partner)
    return None if best is None else (best[1], best[2])
