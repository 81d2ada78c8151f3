"""Shard planning: parsing, grouping, balance, and the properties every plan must have."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_split.algorithms import Algorithms

from runner.errors import ConfigError
from runner.shards.plan import GroupBy, ShardSpec, estimate_durations, group_key, plan_shards


@pytest.mark.parametrize(("text", "expected"), [("1/1", (1, 1)), ("2/4", (2, 4)), (" 3 / 8 ", (3, 8))])
def test_shard_spec_parses_i_of_n(text, expected):
    shard = ShardSpec.parse(text)
    assert (shard.index, shard.count) == expected
    assert str(shard) == f"{expected[0]}/{expected[1]}"


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "two/4", "1-4", "", "-1/3"])
def test_shard_spec_rejects_anything_but_i_of_n_in_range(text):
    with pytest.raises(ConfigError, match="shard"):
        ShardSpec.parse(text)


def test_group_key_by_module_class_named_and_none():
    method = "tests/test_orders.py::TestReserve::test_twice[a::b]"
    function = "tests/test_orders.py::test_alert"
    assert group_key(method, GroupBy.MODULE) == "tests/test_orders.py"
    assert group_key(method, GroupBy.CLASS) == "tests/test_orders.py::TestReserve"
    assert group_key(function, GroupBy.CLASS) == "tests/test_orders.py"
    assert group_key(method, GroupBy.NONE) == method
    assert group_key(function, GroupBy.MODULE, named_group="db") == "group:db"


def test_unknown_tests_count_as_the_mean_of_known_ones():
    assert estimate_durations(["a", "b", "c"], {"a": 1.0, "b": 3.0}) == [1.0, 3.0, 2.0]
    assert estimate_durations(["a", "b"], {}) == [1.0, 1.0]
    assert estimate_durations(["a", "b"], {"a": float("nan"), "b": 4.0}) == [4.0, 4.0]


def test_longest_first_onto_the_lightest_shard_with_collection_order_kept_inside_shards():
    nodeids = ["t::a", "t::b", "t::c", "t::d", "t::e"]
    plan = plan_shards(nodeids, {"t::a": 1, "t::b": 10, "t::c": 3, "t::d": 3, "t::e": 4}, 2)
    # b(10) | e(4) c(3) d(3); then a(1) breaks the 10-10 tie towards the lower shard.
    assert plan.shards == (("t::a", "t::b"), ("t::c", "t::d", "t::e"))
    assert plan.estimated_seconds == (11, 10)


def test_refinement_improves_on_plain_longest_first():
    # Longest first: [3, 2, 2] | [3, 2] = 7 | 5; one exchange gives the optimum 6 | 6.
    nodeids = ["a", "b", "c", "d", "e"]
    durations = {"a": 3, "b": 3, "c": 2, "d": 2, "e": 2}
    plan = plan_shards(nodeids, durations, 2)
    assert sorted(plan.estimated_seconds) == [6, 6]


def test_grouped_tests_stay_on_one_shard():
    nodeids = [f"tests/test_m{m}.py::test_{t}" for m in range(4) for t in range(5)]
    groups = {n: group_key(n, GroupBy.MODULE) for n in nodeids}
    plan = plan_shards(nodeids, {}, 3, groups)
    for shard in plan.shards:
        modules = {n.split("::")[0] for n in shard}
        for module in modules:
            assert sum(n.startswith(module) for n in nodeids) == sum(n.startswith(module) for n in shard)


def test_more_shards_than_tests_leaves_empty_shards():
    plan = plan_shards(["a", "b"], {}, 4)
    assert sorted(len(shard) for shard in plan.shards) == [0, 0, 1, 1]


def test_plan_hash_changes_with_the_assignment():
    first = plan_shards(["a", "b", "c"], {"a": 1, "b": 2, "c": 3}, 2)
    second = plan_shards(["a", "b", "c"], {"a": 3, "b": 2, "c": 1}, 2)
    assert first.plan_hash != second.plan_hash
    assert first.plan_hash == plan_shards(["a", "b", "c"], {"a": 1, "b": 2, "c": 3}, 2).plan_hash


def test_slice_for_refuses_another_shard_count():
    plan = plan_shards(["a"], {}, 2)
    with pytest.raises(ConfigError):
        plan.slice_for(ShardSpec(1, 3))


@dataclass(frozen=True)
class _Item:
    nodeid: str


suites = st.lists(
    st.tuples(
        st.sampled_from(["tests/test_a.py", "tests/test_b.py", "tests/sub/test_c.py"]),
        st.one_of(st.none(), st.floats(min_value=0, max_value=500, allow_nan=False)),
    ),
    max_size=60,
)


def _suite(entries):
    nodeids = [f"{module}::test_{i}" for i, (module, _) in enumerate(entries)]
    durations = {n: s for n, (_, s) in zip(nodeids, entries, strict=True) if s is not None}
    return nodeids, durations


@settings(max_examples=150, deadline=None)
@given(suites, st.integers(min_value=1, max_value=9), st.sampled_from(list(GroupBy)))
def test_shards_are_disjoint_cover_every_test_and_keep_collection_order(entries, count, group_by):
    nodeids, durations = _suite(entries)
    groups = {n: group_key(n, group_by) for n in nodeids}
    plan = plan_shards(nodeids, durations, count, groups)
    assert len(plan.shards) == count
    flat = [n for shard in plan.shards for n in shard]
    assert sorted(flat) == sorted(nodeids)
    for shard in plan.shards:
        assert list(shard) == [n for n in nodeids if n in set(shard)]
    for shard_a in range(count):
        for shard_b in range(shard_a + 1, count):
            assert not set(plan.shards[shard_a]) & set(plan.shards[shard_b])
    owner = {n: i for i, shard in enumerate(plan.shards) for n in shard}
    for n in nodeids:
        assert owner[n] == owner[next(m for m in nodeids if groups[m] == groups[n])]


@settings(max_examples=150, deadline=None)
@given(suites, st.integers(min_value=1, max_value=9))
def test_planning_is_deterministic(entries, count):
    nodeids, durations = _suite(entries)
    first = plan_shards(nodeids, durations, count)
    again = plan_shards(list(nodeids), dict(reversed(list(durations.items()))), count)
    assert first == again
    assert first.plan_hash == again.plan_hash


@settings(max_examples=150, deadline=None)
@given(suites, st.integers(min_value=1, max_value=9))
def test_heaviest_shard_is_never_heavier_than_pytest_split_least_duration(entries, count):
    nodeids, durations = _suite(entries)
    plan = plan_shards(nodeids, durations, count)
    estimates = dict(zip(nodeids, estimate_durations(nodeids, durations), strict=True))
    groups = Algorithms.least_duration.value(count, [_Item(n) for n in nodeids], dict(durations))
    theirs = max(sum(estimates[item.nodeid] for item in group.selected) for group in groups)
    assert max(plan.estimated_seconds) <= theirs + 1e-6
