"""Plan slices: what each shard writes (the report proves a complete plan from them: junit_merge/)."""

from __future__ import annotations

from runner.shards.plan import ShardSpec, plan_hash
from runner.shards.slices import PlanSlice


def _slices(shards):
    digest = plan_hash(shards)
    total = sum(len(s) for s in shards)
    return [
        PlanSlice(ShardSpec(i + 1, len(shards)), digest, total, tuple(shard), 1.0, "none")
        for i, shard in enumerate(shards)
    ]


def test_plan_slices_round_trip_through_json(tmp_path):
    piece = _slices([["a", "b"], ["c"]])[0]
    path = tmp_path / "shard-1.plan.json"
    piece.write(path)
    assert PlanSlice.read(path) == piece
