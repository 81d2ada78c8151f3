"""Every supported result format merged in one folder (and an unsupported one refused), and the merged
JUnit file reading back with the same counts."""

from __future__ import annotations

import shutil
from pathlib import Path

from runner.report.junit import MergedResults, ProblemKind, merge_files, merge_results, write_merged_junit

from .shard_files import CORPUS, FIXTURES, PLAN, case_xml, write_plans, write_shard

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
