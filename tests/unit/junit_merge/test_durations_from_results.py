"""What the merged results feed the durations store: lost planned tests kept, stale ones dropped, and
unusable times never stored."""

from __future__ import annotations

import shutil
from pathlib import Path

from runner.report.junit import merge_results
from runner.shards.durations import merged_store

from .shard_files import CORPUS


def test_durations_store_keeps_lost_planned_tests_and_drops_stale_ones() -> None:
    previous = {"t::kept": 4.0, "t::stale": 9.0, "t::rerun": 1.0}
    this_run = {"t::rerun": 2.5, "t::new": 0.2}
    store = merged_store(previous, this_run, {"t::kept", "t::rerun", "t::new"})
    assert store == {"t::kept": 4.0, "t::rerun": 2.5, "t::new": 0.2}
    assert merged_store(previous, this_run, None) == this_run


def test_unusable_times_never_reach_the_durations_store(tmp_path: Path) -> None:
    from runner.shards.durations import load_durations, save_durations

    shutil.copy(CORPUS / "pytest" / "unusable_times.xml", tmp_path / "shard-1.xml")
    merged = merge_results(tmp_path)
    unknown = ["test_inf", "test_nan", "test_negative", "test_none"]
    assert merged.durations_by_nodeid == {
        **{f"tests/test_t.py::{name}": None for name in unknown[:3]},
        "tests/test_t.py::test_thousands": 1234.5,
        "tests/test_t.py::test_none": None,
    }
    store = tmp_path / "durations.json"
    save_durations(store, {**merged.durations_by_nodeid, "t::inf": float("inf"), "t::nan": float("nan")})
    assert load_durations(store) == {"tests/test_t.py::test_thousands": 1234.5}  # valid JSON, no Infinity


def test_a_test_without_a_usable_time_keeps_its_previous_time_in_the_store() -> None:
    previous = {"t::a": 4.0, "t::b": 1.0}
    this_run: dict[str, float | None] = {"t::a": None, "t::b": 2.0, "t::c": None}
    assert merged_store(previous, this_run, {"t::a", "t::b", "t::c"}) == {"t::a": 4.0, "t::b": 2.0}
    assert merged_store(previous, this_run, None) == {"t::a": 4.0, "t::b": 2.0, "t::c": None}
