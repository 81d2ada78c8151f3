"""Shard plan slices (`shard-<i>.plan.json`): which node ids shard i of N was meant to run.

Read tolerantly until runner/sharding.py fixes the format. Assumed (and written by tests):
`{"version": 1, "index": i, "total": N, "plan_hash": "<hash of the full plan>", "nodeids": [...]}`
with i counted from 1. Accepted aliases: index <- shard / shard_index; total <- shards / shard_total /
of; nodeids <- tests; plan_hash <- hash.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.junit.parser import JUnitReadError

_SHARD_FILE = re.compile(r"shard-(\d+)")


@dataclass(frozen=True)
class ShardPlan:
    index: int
    total: int
    nodeids: tuple[str, ...]
    plan_hash: str

    @classmethod
    def read(cls, path: Path) -> ShardPlan:
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise JUnitReadError(f"plan {path.name} is unreadable: {error}") from error
        if not isinstance(payload, dict):
            raise JUnitReadError(f"plan {path.name} is not a JSON object")
        index = _first(payload, "index", "shard", "shard_index")
        total = _first(payload, "total", "shards", "shard_total", "of")
        nodeids = _first(payload, "nodeids", "tests")
        plan_hash = _first(payload, "plan_hash", "hash")
        if not isinstance(index, int) or not isinstance(total, int) or not 1 <= index <= total:
            raise JUnitReadError(f"plan {path.name} has no valid shard index/total")
        if not isinstance(nodeids, list) or not all(isinstance(item, str) for item in nodeids):
            raise JUnitReadError(f"plan {path.name} has no list of node ids")
        return cls(index, total, tuple(nodeids), str(plan_hash or ""))


def _first(payload: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in payload:
            return payload[key]
    return None


def shard_index_of(path: Path) -> int | None:
    """`shard-3.xml` and `shard-3.plan.json` -> 3; other names -> None."""
    match = _SHARD_FILE.match(path.name)
    return int(match.group(1)) if match else None
