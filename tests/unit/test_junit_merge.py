"""Merging shard results and proving every planned test reported exactly once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runner.report.junit import MergedResults, ProblemKind, merge_files, merge_results, write_merged_junit
from runner.report.junit.location import locate
from runner.report.junit.nodeid import NodeIdResolver, mangle
from runner.shards.durations import merged_store
from runner.shards.plan import ShardSpec, plan_hash
from runner.shards.slices import PlanSlice

FIXTURES = Path(__file__).parents[1] / "fixtures" / "junit"


def case_xml(nodeid: str, outcome: str = "passed", seconds: float = 0.5) -> str:
    classname, name = mangle(nodeid)
    body = {
        "passed": "",
        "failed": f'<failure message="assert 1 == 2">{nodeid.split("::")[0]}:7: AssertionError</failure>',
        "error": '<error message="fixture broke">boom</error>',
        "skipped": '<skipped message="later"/>',
    }[outcome]
    return f'<testcase classname="{classname}" name="{name}" time="{seconds}">{body}</testcase>'


def write_shard(directory: Path, index: int, cases: list[str]) -> None:
    (directory / f"shard-{index}.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">'
        '<testsuite name="pytest" timestamp="2026-11-21T06:00:00+00:00" time="3.0">'
        + "".join(cases)
        + "</testsuite></testsuites>",
        encoding="utf-8",
    )


def write_plans(directory: Path, shards: list[list[str]], hash_override: str | None = None) -> None:
    digest = hash_override or plan_hash(shards)
    total = sum(len(nodeids) for nodeids in shards)
    for index, nodeids in enumerate(shards, 1):
        PlanSlice(ShardSpec(index, len(shards)), digest, total, tuple(nodeids), 1.0, "none").write(
            directory / f"shard-{index}.plan.json"
        )


PLAN = [
    ["tests/test_a.py::test_one", "tests/test_a.py::TestGroup::test_two[x-1]"],
    ["tests/test_b.py::test_three", "tests/sub/test_c.py::test_four[a.b]"],
    ["tests/test_d.py::test_five"],
]


def all_passing(directory: Path) -> None:
    write_plans(directory, PLAN)
    for index, nodeids in enumerate(PLAN, 1):
        write_shard(directory, index, [case_xml(nodeid) for nodeid in nodeids])


def test_complete_passing_shards_merge_without_problems(tmp_path: Path) -> None:
    all_passing(tmp_path)
    merged = merge_results(tmp_path)
    assert merged.counts.total == 5
    assert merged.counts.passed == 5
    assert merged.problems == ()
    assert not merged.failed
    assert merged.planned_total == 5
    assert merged.shard_total == 3
    assert set(merged.durations_by_nodeid) == {nodeid for shard in PLAN for nodeid in shard}
    assert [summary.shard_index for summary in merged.files] == [1, 2, 3]


def test_a_missing_shard_fails_the_run_and_names_the_shard(tmp_path: Path) -> None:
    all_passing(tmp_path)
    (tmp_path / "shard-2.xml").unlink()
    merged = merge_results(tmp_path)
    assert merged.failed
    (problem,) = merged.problems
    assert problem.kind is ProblemKind.MISSING_SHARD
    assert problem.subject == "shard 2/3"
    assert "2 planned tests did not report" in problem.detail


def test_a_shard_missing_without_any_plan_is_found_from_the_expected_count(tmp_path: Path) -> None:
    write_shard(tmp_path, 1, [case_xml("tests/test_a.py::test_one")])
    merged = merge_results(tmp_path, expected_shards=2)
    assert [problem.subject for problem in merged.problems] == ["shard 2/2"]
    assert merged.failed


def test_no_results_at_all_is_a_failure(tmp_path: Path) -> None:
    merged = merge_results(tmp_path / "nothing-here")
    assert merged.failed
    assert merged.problems[0].kind is ProblemKind.MISSING_SHARD


def test_a_planned_test_that_did_not_report_is_a_failure(tmp_path: Path) -> None:
    write_plans(tmp_path, PLAN)
    write_shard(tmp_path, 1, [case_xml(PLAN[0][0])])
    write_shard(tmp_path, 2, [case_xml(nodeid) for nodeid in PLAN[1]])
    write_shard(tmp_path, 3, [case_xml(nodeid) for nodeid in PLAN[2]])
    merged = merge_results(tmp_path)
    assert merged.failed
    assert [(p.kind, p.subject) for p in merged.problems] == [(ProblemKind.MISSING_TEST, PLAN[0][1])]


def test_a_test_reported_by_two_shards_is_a_duplicate(tmp_path: Path) -> None:
    all_passing(tmp_path)
    write_shard(tmp_path, 3, [case_xml(PLAN[2][0]), case_xml(PLAN[0][0])])
    merged = merge_results(tmp_path)
    kinds = {(problem.kind, problem.subject) for problem in merged.problems}
    assert (ProblemKind.DUPLICATE_TEST, PLAN[0][0]) in kinds
    assert (ProblemKind.UNPLANNED_TEST, PLAN[0][0]) in kinds
    assert merged.failed


def test_a_test_repeated_apart_in_one_file_is_a_duplicate_not_a_rerun(tmp_path: Path) -> None:
    write_shard(tmp_path, 1, [case_xml("tests/test_a.py::test_one"), case_xml("tests/test_a.py::test_two"),
                              case_xml("tests/test_a.py::test_one")])  # fmt: skip
    merged = merge_results(tmp_path)
    assert [(p.kind, p.subject) for p in merged.problems] == [
        (ProblemKind.DUPLICATE_TEST, "tests/test_a.py::test_one")
    ]


def test_reruns_count_once_and_a_final_pass_after_a_retry_is_flaky(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "rerun_pytest.xml", tmp_path / "shard-1.xml")
    merged = merge_results(tmp_path)
    assert merged.problems == ()
    assert merged.counts.total == 3
    assert merged.counts.flaky == 2
    assert merged.counts.failed == 1
    assert merged.failures[0].attempts == 2


@pytest.mark.parametrize("bad", ["truncated.xml", "malformed.xml", "xxe.xml", "billion_laughs.xml"])
def test_an_unreadable_shard_is_an_error_entry_while_the_others_still_report(
    tmp_path: Path, bad: str
) -> None:
    all_passing(tmp_path)
    shutil.copy(FIXTURES / bad, tmp_path / "shard-2.xml")
    merged = merge_results(tmp_path)
    assert merged.failed
    assert merged.counts.passed == 3  # shards 1 and 3; nothing half-counted from shard 2
    (problem,) = merged.problems
    assert problem.kind is ProblemKind.UNREADABLE_FILE
    assert problem.subject == "shard-2.xml"
    errors = {summary.shard_index: summary.error for summary in merged.files}
    assert errors[1] is None
    assert errors[3] is None
    assert errors[2]


def test_plans_from_different_runs_are_reported(tmp_path: Path) -> None:
    all_passing(tmp_path)
    write_plans(tmp_path, [PLAN[0], PLAN[1], PLAN[2]], hash_override="other-run")
    PlanSlice(ShardSpec(1, 3), "first-run", 5, tuple(PLAN[0]), 1.0, "none").write(
        tmp_path / "shard-1.plan.json"
    )
    merged = merge_results(tmp_path)
    assert any(problem.kind is ProblemKind.PLAN_MISMATCH for problem in merged.problems)


def test_failures_beyond_the_limit_are_counted_not_kept(tmp_path: Path) -> None:
    nodeids = [f"tests/test_many.py::test_{index}" for index in range(40)]
    write_shard(tmp_path, 1, [case_xml(nodeid, "failed") for nodeid in nodeids])
    merged = merge_results(tmp_path, max_failures=5)
    assert merged.counts.failed == 40
    assert len(merged.failures) == 5
    assert merged.failures_not_kept == 35
    assert merged.failures[0].file == "tests/test_many.py"
    assert merged.failures[0].line == 7


def test_problems_beyond_the_limit_are_counted_by_kind(tmp_path: Path) -> None:
    planned = [f"tests/test_p.py::test_{index}" for index in range(30)]
    write_plans(tmp_path, [planned])
    write_shard(tmp_path, 1, [])
    merged = merge_results(tmp_path, max_problems=4)
    assert len(merged.problems) == 4
    assert merged.problem_count(ProblemKind.MISSING_TEST) == 30


def test_other_producers_get_classname_and_name_as_identity(tmp_path: Path) -> None:
    for name in ("jest_junit.xml", "surefire.xml", "xunit_net.xml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    merged = merge_results(tmp_path)
    failed = {failure.nodeid for failure in merged.failures}
    assert "reservations rejects duplicates" in failed
    assert "com.example.shop.ReservationTest::rejectsDuplicate" in failed
    assert "Shop.Tests.ReservationTests::RejectsDuplicate" in failed
    assert merged.durations_by_nodeid == {}  # the store feeds pytest sharding: pytest node ids only
    jest_failure = next(f for f in merged.failures if f.nodeid == "reservations rejects duplicates")
    assert jest_failure.file == "/home/runner/work/shop/shop/test/reservations.test.ts"
    assert jest_failure.line == 42


def test_pytest_names_map_back_to_node_ids_without_plans() -> None:
    resolver = NodeIdResolver()
    assert (
        resolver.resolve("tests.test_x.TestC", "test_y[p.q]", None, True)
        == "tests/test_x.py::TestC::test_y[p.q]"
    )
    assert resolver.resolve("tests.test_x", "test_z", None, True) == "tests/test_x.py::test_z"
    assert resolver.resolve("test_x", "test_z", "test_x.py", False) == "test_x.py::test_z"


node_part = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=8)
param = st.text(alphabet="abc01.-:/[] ", max_size=10)


@given(
    directories=st.lists(st.sampled_from(["tests", "sub.pkg", "a-b", "x"]), min_size=0, max_size=3),
    module=node_part,
    classes=st.lists(node_part.map(str.capitalize), max_size=2),
    name=node_part,
    parameter=st.none() | param,
)
def test_planned_node_ids_always_resolve_exactly(
    directories: list[str], module: str, classes: list[str], name: str, parameter: str | None
) -> None:
    nodeid = "::".join(["/".join([*directories, f"test_{module}.py"]), *classes, f"test_{name}"])
    if parameter is not None:
        nodeid += f"[{parameter}]"
    decoy = nodeid.replace(".py", "/Decoy.py", 1)
    resolver = NodeIdResolver([decoy, nodeid])
    classname, test_name = mangle(nodeid)
    assert resolver.resolve(classname, test_name, None, True) == nodeid


def test_durations_store_keeps_lost_planned_tests_and_drops_stale_ones() -> None:
    previous = {"t::kept": 4.0, "t::stale": 9.0, "t::rerun": 1.0}
    this_run = {"t::rerun": 2.5, "t::new": 0.2}
    store = merged_store(previous, this_run, {"t::kept", "t::rerun", "t::new"})
    assert store == {"t::kept": 4.0, "t::rerun": 2.5, "t::new": 0.2}
    assert merged_store(previous, this_run, None) == this_run


def test_merged_junit_file_reads_back_with_the_same_counts_and_an_error_for_a_bad_shard(
    tmp_path: Path,
) -> None:
    results = tmp_path / "results"
    results.mkdir()
    write_plans(results, PLAN)
    write_shard(results, 1, [case_xml(PLAN[0][0], "failed"), case_xml(PLAN[0][1], "skipped")])
    write_shard(results, 2, [case_xml(nodeid) for nodeid in PLAN[1]])
    shutil.copy(FIXTURES / "truncated.xml", results / "shard-3.xml")
    merged = merge_results(results)
    write_merged_junit(merged.files, tmp_path / "merged.xml", [n for shard in PLAN for n in shard])
    again = merge_results_from_file(tmp_path / "merged.xml")
    assert again.counts.failed == 1
    assert again.counts.skipped == 1
    assert again.counts.passed == 2
    assert again.counts.errors == 1  # shard 3's unreadable file, carried as an error testcase
    assert any("shard-3.xml" in failure.message for failure in again.failures)


def merge_results_from_file(path: Path) -> MergedResults:
    return merge_files([path])


@pytest.mark.parametrize(
    ("text", "nodeid", "expected"),
    [
        (
            "conftest.py:10: in fixture\n    x\ntests/test_a.py:7: in test_one\n"
            "    y\nlib/helper.py:3: AssertionError",
            "tests/test_a.py::test_one",
            ("tests/test_a.py", 7),
        ),
        ("lib/helper.py:3: AssertionError", "tests/test_a.py::test_one", ("lib/helper.py", 3)),
        ("    at Object.<anonymous> (src/cart.test.js:12:5)", "cart adds", ("src/cart.test.js", 12)),
        ("no frames here", "tests/test_a.py::test_one", ("tests/test_a.py", None)),
        ("no frames here", "Suite::Case", (None, None)),
    ],
)
def test_failure_location_prefers_the_tests_own_frame(
    text: str, nodeid: str, expected: tuple[str | None, int | None]
) -> None:
    assert locate(text, nodeid, None, None)[:2] == expected


def test_shards_downloaded_into_folders_of_their_own_are_found(tmp_path: Path) -> None:
    for index in (1, 2, 3):
        (tmp_path / f"results-shard-{index}").mkdir()
    write_plans(tmp_path / "results-shard-1", [PLAN[0], PLAN[1], PLAN[2]])
    for index, nodeids in enumerate(PLAN, 1):
        write_shard(tmp_path / f"results-shard-{index}", index, [case_xml(nodeid) for nodeid in nodeids])
    merged = merge_results(tmp_path)
    assert merged.problems == ()
    assert merged.counts.passed == 5


def test_a_plan_from_another_run_counts_every_unplanned_test_but_names_only_some(tmp_path: Path) -> None:
    reported = [f"tests/test_w.py::test_{index}" for index in range(1_200)]
    write_plans(tmp_path, [["tests/test_w.py::test_elsewhere"]])
    write_shard(tmp_path, 1, [case_xml(nodeid) for nodeid in reported])
    merged = merge_results(tmp_path, max_problems=50)
    assert merged.problem_count(ProblemKind.UNPLANNED_TEST) == 1_200
    assert merged.problem_count(ProblemKind.MISSING_TEST) == 1
    assert len(merged.problems) == 50


CORPUS = Path(__file__).parents[1] / "fixtures" / "results"
EVERY_FORMAT = [
    "pytest/xunit2_outcomes.xml",
    "surefire/TEST-com.example.CartTest.xml",
    "nunit2/TestResult.xml",
    "nunit3/TestResult.xml",
    "xunit/v1_assembly.xml",
    "xunit/v2_theories.xml",
    "trx/vstest_mstest.trx",
]


def test_a_folder_mixing_every_supported_format_gives_the_sum_of_their_totals(tmp_path: Path) -> None:
    for name in EVERY_FORMAT:
        shutil.copy(CORPUS / name, tmp_path / name.replace("/", "-"))
    merged = merge_results(tmp_path)
    each = [merge_files([CORPUS / name]).counts for name in EVERY_FORMAT]
    assert merged.counts.total == sum(counts.total for counts in each) == 36
    assert merged.counts.failed == sum(counts.failed for counts in each)
    assert merged.counts.errors == sum(counts.errors for counts in each)
    assert merged.counts.skipped == sum(counts.skipped for counts in each)
    assert {summary.result_format.value for summary in merged.files if summary.result_format} == {
        "JUnit", "NUnit 2", "NUnit 3", "xUnit.net", "TRX"
    }  # fmt: skip
    assert [problem.kind for problem in merged.problems] == []


def test_a_folder_with_an_unsupported_file_fails_naming_that_file(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "nunit3" / "TestResult.xml", tmp_path / "nunit.xml")
    shutil.copy(CORPUS / "unsupported" / "cobertura_coverage.xml", tmp_path / "coverage.xml")
    merged = merge_results(tmp_path)
    assert merged.failed
    (problem,) = [problem for problem in merged.problems if problem.kind is ProblemKind.UNREADABLE_FILE]
    assert problem.subject == "coverage.xml"
    assert "unsupported result format: root element <coverage>" in problem.detail
    assert merged.counts.total == 6  # the NUnit file still counts


def test_nunit_and_trx_files_are_never_zero_tests_passing(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "nunit3" / "one_time_setup_failed.xml", tmp_path / "nunit.xml")
    shutil.copy(CORPUS / "trx" / "definitions_first.trx", tmp_path / "run.trx")
    merged = merge_results(tmp_path)
    assert merged.counts.total == 4
    assert merged.counts.errors == 3
    assert merged.failed


def test_tests_sharing_a_title_outside_pytest_are_distinct_and_not_flaky(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "mocha" / "same_title_distinct_tests.xml", tmp_path / "mocha.xml")
    shutil.copy(CORPUS / "nameless" / "nameless_testcases.xml", tmp_path / "nameless.xml")
    merged = merge_results(tmp_path)
    assert (merged.counts.total, merged.counts.passed, merged.counts.flaky) == (15, 11, 0)
    assert merged.counts.errors == 4
    assert all(failure.attempts == 1 for failure in merged.failures)
    assert merged.problems == ()


def test_tests_inherited_by_two_classes_keep_two_identities(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "pytest" / "inherited_tests.xml", tmp_path / "shard-1.xml")
    merged = merge_results(tmp_path)
    assert merged.problems == ()
    assert "tests/test_dynamo.py::TestDynamoStore::test_delete" in merged.durations_by_nodeid
    assert "tests/test_s3.py::TestS3Store::test_delete" in merged.durations_by_nodeid


def test_a_duplicate_names_where_it_was_first_reported_and_where_again(tmp_path: Path) -> None:
    write_shard(tmp_path, 1, [case_xml("tests/test_a.py::test_one")])
    write_shard(tmp_path, 2, [case_xml("tests/test_a.py::test_one")])
    merged = merge_results(tmp_path)
    (problem,) = merged.problems
    assert problem.detail == "first in shard-1.xml, again in shard-2.xml"


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


def test_a_bare_failure_or_error_stays_a_failure_in_the_merged_file(tmp_path: Path) -> None:
    (tmp_path / "shard-1.xml").write_text(
        '<testsuite name="pytest"><testcase classname="tests.test_a" name="test_f"><failure/></testcase>'
        '<testcase classname="tests.test_a" name="test_e"><error/></testcase></testsuite>',
        encoding="utf-8",
    )
    merged = merge_results(tmp_path)
    write_merged_junit(merged.files, tmp_path / "out" / "merged.xml")
    again = merge_files([tmp_path / "out" / "merged.xml"])
    assert (again.counts.failed, again.counts.errors, again.counts.passed) == (1, 1, 0)


def test_a_test_without_a_usable_time_keeps_its_previous_time_in_the_store() -> None:
    previous = {"t::a": 4.0, "t::b": 1.0}
    this_run: dict[str, float | None] = {"t::a": None, "t::b": 2.0, "t::c": None}
    assert merged_store(previous, this_run, {"t::a", "t::b", "t::c"}) == {"t::a": 4.0, "t::b": 2.0}
    assert merged_store(previous, this_run, None) == {"t::a": 4.0, "t::b": 2.0, "t::c": None}
