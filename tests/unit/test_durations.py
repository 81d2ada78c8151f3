"""The durations store: reading, writing, and rebuilding it from the shards' JUnit files."""

from __future__ import annotations

import json

import pytest

from runner.errors import ConfigError
from runner.report.junit import merge_results
from runner.shards.durations import load_durations, merged_store, refresh_store, save_durations
from runner.shards.slices import planned_nodeids


def test_missing_store_is_empty_and_a_saved_store_reads_back(tmp_path):
    path = tmp_path / "sub" / "durations.json"
    assert load_durations(path) == {}
    save_durations(path, {"tests/test_b.py::test_x": 1.23456, "tests/test_a.py::test_y": 2})
    assert load_durations(path) == {"tests/test_b.py::test_x": 1.23456, "tests/test_a.py::test_y": 2.0}
    # One test per line, in the order given (the merge's: shard by shard, as the tests ran).
    assert path.read_text().splitlines() == [
        "{",
        ' "tests/test_b.py::test_x": 1.23456,',
        ' "tests/test_a.py::test_y": 2',
        "}",
    ]


def test_a_store_with_non_finite_or_negative_times_is_still_valid_json(tmp_path):
    path = tmp_path / "durations.json"
    save_durations(path, {"t::inf": float("inf"), "t::nan": float("nan"), "t::neg": -1.0, "t::ok": 0.5})
    assert json.loads(path.read_text()) == {"t::ok": 0.5}
    save_durations(path, {})
    assert json.loads(path.read_text()) == {}


@pytest.mark.parametrize("content", ["[1, 2]", "{not json", '{"t": "slow"}', '{"t": true}', '{"t": NaN}'])
def test_a_store_that_is_not_nodeid_to_seconds_is_refused(tmp_path, content):
    path = tmp_path / "durations.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match="durations file"):
        load_durations(path)


def test_results_of_real_shards_rebuild_the_store(pytester, tmp_path):
    pytester.makepyfile(
        test_mod="""
        import pytest

        @pytest.fixture
        def slow_setup():
            yield

        def test_a(slow_setup): pass

        @pytest.mark.parametrize("n", [1, 2])
        def test_b(n): pass
        """
    )
    results = tmp_path / "results"
    for index in (1, 2):
        pytester.runpytest(
            "-p", "no:cacheprovider", "-o", "junit_family=xunit2",
            f"--junitxml={results / f'shard-{index}.xml'}",
            f"--spt-shard={index}/2", f"--spt-plan-out={results / f'shard-{index}.plan.json'}",
        ).assert_outcomes(passed=2 if index == 1 else 1)  # fmt: skip
    store = tmp_path / "durations.json"
    save_durations(store, {"test_mod.py::test_removed": 3.0, "test_mod.py::test_a": 99.0})
    merged = merge_results(results)
    refresh_store(store, merged.durations_by_nodeid, planned_nodeids(results), warn=pytest.fail)
    rebuilt = load_durations(store)
    assert set(rebuilt) == {"test_mod.py::test_a", "test_mod.py::test_b[1]", "test_mod.py::test_b[2]"}
    assert all(0 <= seconds < 99.0 for seconds in rebuilt.values())  # this run's times, stale entry gone


def test_a_planned_test_that_did_not_report_keeps_its_old_time():
    previous = {"t::kept": 5.0, "t::rerun": 1.0, "t::stale": 9.0}
    this_run = {"t::rerun": 2.0, "t::new": 0.5}
    assert merged_store(previous, this_run, {"t::kept", "t::rerun", "t::new"}) == {
        "t::kept": 5.0,
        "t::rerun": 2.0,
        "t::new": 0.5,
    }


def test_an_unreadable_store_is_said_and_rewritten(tmp_path):
    store = tmp_path / "durations.json"
    store.write_text("{not json")
    said = []
    refresh_store(store, {"t::a": 1.0}, None, warn=said.append)
    assert load_durations(store) == {"t::a": 1.0}
    assert said
    assert "durations store ignored and rewritten" in said[0]
