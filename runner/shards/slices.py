"""The plan slice each shard writes next to its JUnit file, and the check that the slices of one run
form one complete plan: every planned test on exactly one shard, all shards present and agreeing."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from runner.errors import ConfigError
from runner.shards.plan import ShardSpec, plan_hash

PLAN_VERSION = 1


@dataclass(frozen=True)
class PlanSlice:
    """One shard's part of the plan. `plan_hash` identifies the whole assignment (all shards)."""

    shard: ShardSpec
    plan_hash: str
    total_tests: int
    nodeids: tuple[str, ...]
    estimated_seconds: float
    group_by: str

    def to_json(self) -> str:
        payload = {
            "version": PLAN_VERSION,
            "shard": {"index": self.shard.index, "count": self.shard.count},
            "plan_hash": self.plan_hash,
            "total_tests": self.total_tests,
            "estimated_seconds": round(self.estimated_seconds, 3),
            "group_by": self.group_by,
            "nodeids": list(self.nodeids),
        }
        return json.dumps(payload, indent=1)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(self.to_json() + "\n", encoding="utf-8")
        temporary.replace(path)

    @classmethod
    def read(cls, path: Path) -> PlanSlice:
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            if payload.get("version") != PLAN_VERSION:
                raise ValueError(f"unknown version {payload.get('version')!r}")
            return cls(
                shard=ShardSpec(int(payload["shard"]["index"]), int(payload["shard"]["count"])),
                plan_hash=str(payload["plan_hash"]),
                total_tests=int(payload["total_tests"]),
                nodeids=tuple(str(nodeid) for nodeid in payload["nodeids"]),
                estimated_seconds=float(payload.get("estimated_seconds", 0.0)),
                group_by=str(payload.get("group_by", "none")),
            )
        except FileNotFoundError as error:
            raise ConfigError(f"plan slice {path} does not exist") from error
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise ConfigError(f"plan slice {path} is unreadable: {error}") from error


def slice_path(results_dir: Path, shard: ShardSpec) -> Path:
    return results_dir / f"shard-{shard.index}.plan.json"


def junit_path(results_dir: Path, shard: ShardSpec) -> Path:
    return results_dir / f"shard-{shard.index}.xml"


def check_slices(slices: Sequence[PlanSlice]) -> list[str]:
    """Problems that stop the slices from proving a complete plan; empty when they do."""
    if not slices:
        return ["no plan slices found"]
    problems: list[str] = []
    counts = {piece.shard.count for piece in slices}
    if len(counts) > 1:
        return [f"plan slices disagree on the shard count: {sorted(counts)}"]
    count = counts.pop()
    by_index = Counter(piece.shard.index for piece in slices)
    missing = [index for index in range(1, count + 1) if index not in by_index]
    if missing:
        problems.append(f"plan slices missing for shard(s) {', '.join(map(str, missing))} of {count}")
    repeated = sorted(index for index, seen in by_index.items() if seen > 1)
    if repeated:
        problems.append(f"more than one plan slice for shard(s) {', '.join(map(str, repeated))}")
    hashes = {piece.plan_hash for piece in slices}
    if len(hashes) > 1:
        problems.append("shards planned differently (plan hashes differ): were durations or tests different?")
    if not missing and not repeated and len(hashes) == 1:
        ordered = sorted(slices, key=lambda piece: piece.shard.index)
        if plan_hash([piece.nodeids for piece in ordered]) != hashes.pop():
            problems.append("plan slices do not add up to the plan their hash names")
    planned = Counter(nodeid for piece in slices for nodeid in piece.nodeids)
    twice = sorted(nodeid for nodeid, seen in planned.items() if seen > 1)
    if twice:
        problems.append(f"{len(twice)} test(s) planned on more than one shard, e.g. {twice[0]}")
    totals = {piece.total_tests for piece in slices}
    if len(totals) == 1 and sum(planned.values()) != totals.pop():
        problems.append("plan slices do not cover every planned test")
    return problems
