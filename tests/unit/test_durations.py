"""The durations store: reading, writing, and rebuilding it from the shards' JUnit files."""

from __future__ import annotations

import json

import pytest
from _pytest.junitxml import mangle_test_address
from hypothesis import given
from hypothesis import strategies as st

from runner.errors import ConfigError
from runner.shards.durations import (
    junit_address,
    junit_case_seconds,
    load_durations,
    merge_durations,
    merge_results,
    save_durations,
)


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


nodeid_parts = st.text(alphabet="abcXYZ_019./-", min_size=1, max_size=12)


@given(
    st.lists(nodeid_parts, min_size=1, max_size=3).map("/".join),
    st.lists(nodeid_parts, min_size=1, max_size=3).map("::".join),
    st.one_of(st.just(""), st.text(alphabet="ab:[]-1", max_size=8).map(lambda p: f"[{p}]")),
)
def test_junit_address_is_what_pytest_junitxml_writes(path, names, params):
    nodeid = f"{path}.py::{names}{params}"
    names_written = mangle_test_address(nodeid)
    assert junit_address(nodeid) == (".".join(names_written[:-1]), names_written[-1])


def test_merge_takes_new_times_keeps_old_for_unreported_and_drops_stale():
    previous = {"t.py::kept": 5.0, "t.py::rerun": 1.0, "t.py::gone": 9.0}
    measured = {("t", "rerun"): 2.5, ("t", "new"): 0.5}
    merged = merge_durations(previous, measured, ["t.py::kept", "t.py::rerun", "t.py::new"])
    assert merged == {"t.py::kept": 5.0, "t.py::rerun": 2.5, "t.py::new": 0.5}


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
    merged = merge_results({"test_mod.py::test_removed": 3.0}, results)
    assert set(merged) == {"test_mod.py::test_a", "test_mod.py::test_b[1]", "test_mod.py::test_b[2]"}
    assert all(seconds >= 0 for seconds in merged.values())
    cases = junit_case_seconds(results / "shard-1.xml")
    assert len(cases) == 2


def test_unreadable_junit_is_a_config_error(tmp_path):
    broken = tmp_path / "shard-1.xml"
    broken.write_text("<testsuites><testsuite>")
    with pytest.raises(ConfigError, match="JUnit"):
        junit_case_seconds(broken)
