"""The streaming JUnit reader on the common producers' files and on hostile or broken files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from runner.report.junit.model import NO_DETAIL, CaseRecord, Outcome
from runner.report.junit.parser import MAX_TEXT_CHARS, FileScan, JUnitReadError, iter_cases

FIXTURES = Path(__file__).parents[1] / "fixtures" / "junit"


def read(name: str, scan: FileScan | None = None) -> list[CaseRecord]:
    return list(iter_cases(FIXTURES / name, scan))


def test_pytest_xunit2_file_gives_each_outcome_with_message_text_and_properties() -> None:
    scan = FileScan()
    cases = {case.name: case for case in read("pytest_xunit2.xml", scan)}
    assert scan.pytest_output
    assert scan.started_at is not None
    assert scan.seconds == pytest.approx(0.043)
    assert cases["test_reserve[1]"].outcome is Outcome.PASSED
    failed = cases["test_reserve[2]"]
    assert failed.outcome is Outcome.FAILED
    assert failed.classname == "tests.test_sample.TestInventory"
    assert failed.detail.message.startswith("AssertionError: stock <b>@team</b>")
    assert failed.detail.text.rstrip().endswith("tests/test_sample.py:6: AssertionError")
    assert failed.detail.properties == (("correlation_id", "cid-2"),)
    assert cases["test_error"].outcome is Outcome.ERROR
    assert cases["test_skip"].outcome is Outcome.SKIPPED
    assert cases["test_xfail"].outcome is Outcome.SKIPPED
    assert cases["test_plain"].detail is NO_DETAIL


def test_freshly_generated_pytest_junit_is_read_completely(tmp_path: Path) -> None:
    (tmp_path / "test_gen.py").write_text(
        "import pytest\n@pytest.mark.parametrize('n', range(3))\ndef test_n(n):\n    assert n != 1\n",
        encoding="utf-8",
    )
    junit = tmp_path / "out.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "junit_family=xunit2",
         f"--junitxml={junit}", str(tmp_path / "test_gen.py")],
        cwd=tmp_path, capture_output=True, check=False,
    )  # fmt: skip
    outcomes = {case.name: case.outcome for case in iter_cases(junit)}
    assert outcomes == {"test_n[0]": Outcome.PASSED, "test_n[1]": Outcome.FAILED, "test_n[2]": Outcome.PASSED}


def test_jest_junit_file_gives_failure_text_and_skips() -> None:
    cases = read("jest_junit.xml")
    assert [case.outcome for case in cases] == [
        Outcome.PASSED,
        Outcome.FAILED,
        Outcome.SKIPPED,
        Outcome.PASSED,
    ]
    assert "reservations.test.ts:42:23" in cases[1].detail.text


def test_surefire_file_gives_failure_error_and_flaky_pass() -> None:
    cases = {case.name: case for case in read("surefire.xml")}
    assert cases["rejectsDuplicate"].outcome is Outcome.FAILED
    assert cases["rejectsDuplicate"].detail.result_type == "org.opentest4j.AssertionFailedError"
    assert cases["rejectsDuplicate"].detail.message == "expected: <1> but was: <2>"
    assert cases["rejectsDuplicate"].detail.output == "reserving sku-1"
    assert cases["timesOut"].outcome is Outcome.ERROR
    assert cases["eventuallyConsistent"].outcome is Outcome.PASSED
    assert cases["eventuallyConsistent"].detail.retries == 1


def test_nose_style_xunit_file_gives_error_and_skip() -> None:
    cases = read("xunit_nose.xml")
    assert [case.outcome for case in cases] == [Outcome.PASSED, Outcome.ERROR, Outcome.SKIPPED]
    assert "KeyError: 'sku-9'" in cases[1].detail.text


def test_xunit_net_file_gives_message_stack_trace_and_skip_reason() -> None:
    scan = FileScan()
    cases = read("xunit_net.xml", scan)
    assert [(case.name, case.outcome) for case in cases] == [
        ("Reserves", Outcome.PASSED),
        ("RejectsDuplicate", Outcome.FAILED),
        ("Streams", Outcome.SKIPPED),
    ]
    assert cases[1].detail.message == "Assert.Equal() Failure: Expected 1, Actual 2"
    assert "ReservationTests.cs:line 27" in cases[1].detail.text
    assert cases[1].detail.result_type == "Xunit.Sdk.EqualException"
    assert cases[2].detail.message == "needs a stream"
    assert cases[0].detail.properties == (("Category", "Integration"),)
    assert scan.started_at is not None


def test_back_to_back_records_of_one_test_are_folded_into_attempts() -> None:
    cases = read("rerun_pytest.xml")
    by_name = {case.name: case for case in cases}
    assert len(cases) == 3
    assert by_name["test_eventually_passes"].attempts == 2
    assert by_name["test_eventually_passes"].outcome is Outcome.PASSED
    assert by_name["test_always_fails"].attempts == 2
    assert by_name["test_always_fails"].outcome is Outcome.FAILED
    assert by_name["test_with_flaky_failure"].detail.retries == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("malformed.xml", "not well-formed XML: mismatched tag"),
        ("truncated.xml", "not well-formed XML"),
        ("xxe.xml", "refused: EntitiesForbidden(name='secret'"),
        ("billion_laughs.xml", "refused: EntitiesForbidden(name='lol'"),
    ],
)
def test_broken_or_hostile_file_raises_a_clear_read_error(name: str, expected: str) -> None:
    with pytest.raises(JUnitReadError) as caught:
        read(name)
    assert expected in str(caught.value)


def test_missing_file_raises_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(JUnitReadError, match="unreadable"):
        list(iter_cases(tmp_path / "absent.xml"))


def test_huge_failure_text_is_cut_while_reading(tmp_path: Path) -> None:
    junit = tmp_path / "big.xml"
    junit.write_text(
        '<testsuite name="pytest"><testcase classname="tests.test_a" name="test_big">'
        f'<failure message="m">{"x" * (MAX_TEXT_CHARS * 5)}</failure></testcase></testsuite>',
        encoding="utf-8",
    )
    (case,) = list(iter_cases(junit))
    assert MAX_TEXT_CHARS < len(case.detail.text) < MAX_TEXT_CHARS + 100
    assert case.detail.text.endswith("[... cut]")


def test_testcases_straddling_read_chunks_are_all_read(tmp_path: Path) -> None:
    junit = tmp_path / "many.xml"
    body = "".join(
        f'<testcase classname="tests.test_m" name="test_{index}" time="0.5"/>' for index in range(20_000)
    )
    junit.write_text(
        f'<testsuites><testsuite name="pytest">{body}</testsuite></testsuites>', encoding="utf-8"
    )
    cases = list(iter_cases(junit))
    assert len(cases) == 20_000
    assert {case.name for case in cases} == {f"test_{index}" for index in range(20_000)}
    assert sum(case.seconds for case in cases) == pytest.approx(10_000)
