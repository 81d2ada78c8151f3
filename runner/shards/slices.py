"""The plan slice each shard writes next to its JUnit file (`shard-<i>.plan.json`): its part of the
one ShardPlan every shard computed. `report` reads them back to prove every planned test reported
exactly once (runner/report/junit/completeness.py), and the durations store keeps their tests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from runner.errors import ConfigError
from runner.shards.plan import ShardSpec

PLAN_VERSION = 1
_SHARD_FILE = re.compile(r"shard-(\d+)\.")


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


def shard_index_of(path: Path) -> int | None:
    """`shard-3.xml` and `shard-3.plan.json` -> 3; other names -> None."""
    match = _SHARD_FILE.match(path.name)
    return int(match.group(1)) if match else None


def planned_nodeids(results_dir: Path) -> set[str]:
    """Every test the readable slices under `results_dir` planned (artifact folders included)."""
    planned: set[str] = set()
    for plan_file in results_dir.rglob("*.plan.json"):
        try:
            planned.update(PlanSlice.read(plan_file).nodeids)
        except ConfigError:
            continue  # the report names an unreadable slice; the store keeps what the others planned
    return planned
