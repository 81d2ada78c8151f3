"""Plan slices: what each shard writes, and the check that the slices prove one complete plan."""

from __future__ import annotations

from runner.shards.plan import ShardSpec, plan_hash
from runner.shards.slices import PlanSlice, check_slices


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


def test_complete_slices_prove_the_plan():
    assert check_slices(_slices([["a", "b"], ["c"], []])) == []


def test_missing_duplicated_or_inconsistent_slices_are_reported():
    complete = _slices([["a", "b"], ["c"], ["d"]])
    assert "plan slices missing for shard(s) 3 of 3" in check_slices(complete[:2])
    assert "more than one plan slice for shard(s) 2" in check_slices([*complete, complete[1]])
    other = _slices([["a"], ["b", "c"], ["d"]])
    assert any("planned differently" in p for p in check_slices([complete[0], other[1], complete[2]]))
    assert check_slices([]) == ["no plan slices found"]
