"""Shard plan slices (`shard-<i>.plan.json`, written by runner/shards/slices.py) as the merge needs them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from runner.errors import ConfigError
from runner.report.junit.parser import JUnitReadError

_SHARD_FILE = re.compile(r"shard-(\d+)\.")


@dataclass(frozen=True)
class ShardPlan:
    """Shard `index` (from 1) of `total`: the node ids it was meant to run."""

    index: int
    total: int
    nodeids: tuple[str, ...]
    plan_hash: str

    @classmethod
    def read(cls, path: Path) -> ShardPlan:
        from runner.shards.slices import PlanSlice

        try:
            piece = PlanSlice.read(path)
        except ConfigError as error:
            raise JUnitReadError(str(error)) from error
        return cls(piece.shard.index, piece.shard.count, piece.nodeids, piece.plan_hash)


def shard_index_of(path: Path) -> int | None:
    """`shard-3.xml` and `shard-3.plan.json` -> 3; other names -> None."""
    match = _SHARD_FILE.match(path.name)
    return int(match.group(1)) if match else None
