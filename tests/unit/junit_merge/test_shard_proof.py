"""Every planned test reported exactly once: missing shards and tests, duplicates, reruns, unreadable
files, plans from other runs, and the limits on what is kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from runner.report.junit import ProblemKind, merge_results
from runner.shards.plan import ShardSpec
from runner.shards.slices import PlanSlice

from .shard_files import FIXTURES, PLAN, all_passing, case_xml, write_plans, write_shard


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


def test_a_duplicate_names_where_it_was_first_reported_and_where_again(tmp_path: Path) -> None:
    write_shard(tmp_path, 1, [case_xml("tests/test_a.py::test_one")])
    write_shard(tmp_path, 2, [case_xml("tests/test_a.py::test_one")])
    merged = merge_results(tmp_path)
    (problem,) = merged.problems
    assert problem.detail == "first in shard-1.xml, again in shard-2.xml"
