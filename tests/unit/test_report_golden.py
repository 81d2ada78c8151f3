"""Golden result files: every input under tests/fixtures/results/<producer>/ sits beside
`<name>.expected.json`, what the report makes of it (format, counts, every test's outcome, failures
as shown, problems, annotations, durations). A parser or report change shows as a diff of these files.

Regenerate after an intended change, then review the diff like code:

    SPT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_report_golden.py
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from runner.report.annotations import report_annotations
from runner.report.junit import merge_files, write_merged_junit
from runner.report.junit.formats.base import FileScan
from runner.report.junit.model import MergedResults
from runner.report.junit.nodeid import NodeIdResolver, display_id
from runner.report.junit.parser import JUnitReadError, iter_cases
from runner.report.model import Report, RunInfo
from runner.report.sections import status

CORPUS = Path(__file__).parents[1] / "fixtures" / "results"
INPUTS = sorted(path for path in CORPUS.rglob("*") if path.suffix in (".xml", ".trx"))
UPDATE = os.environ.get("SPT_UPDATE_GOLDEN") == "1"
RUN = RunInfo("golden", (), "acme/shop", "unknown", None)
NOW = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)


def expected_path(source: Path) -> Path:
    return source.with_name(source.stem + ".expected.json")


def short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def listed_tests(source: Path) -> list[str]:
    """Every test as `outcome [xN attempts] node id`, in file order (what the counts are made of)."""
    scan = FileScan()
    resolver = NodeIdResolver()
    lines = []
    try:
        for record in iter_cases(source, scan):
            nodeid = (
                resolver.resolve(record.classname, record.name, record.file, True)
                if scan.pytest_output
                else display_id(record.classname, record.name)
            )
            attempts = record.attempts + record.detail.retries
            lines.append(f"{record.outcome.value}{f' x{attempts}' if attempts > 1 else ''} {nodeid}")
    except JUnitReadError:
        return []
    return lines


def golden(source: Path) -> dict[str, Any]:
    merged = merge_files([source])
    (summary,) = merged.files
    counts = merged.counts
    workspace = source.parent
    return {
        "format": summary.result_format.value if summary.result_format else None,
        "error": summary.error,
        "declared_total": summary.declared_total,
        "counts": {
            "total": counts.total,
            "passed": counts.passed,
            "failed": counts.failed,
            "errors": counts.errors,
            "skipped": counts.skipped,
            "flaky": counts.flaky,
        },
        "status": status(Report(merged, RUN, NOW)),
        "tests": listed_tests(source),
        "failures": [
            {
                "nodeid": failure.nodeid,
                "outcome": failure.outcome.value,
                "attempts": failure.attempts,
                "type": failure.failure_type,
                "message": short(failure.message),
                "text_end": short(failure.text[-200:], 200),
                "output_end": failure.output[-120:],
                "properties": [list(pair) for pair in failure.properties],
                "file": failure.file,
                "line": failure.line,
                "file_source": failure.file_source.value if failure.file_source else None,
                "fence": "python" if failure.from_pytest else "",
            }
            for failure in merged.failures
        ],
        "problems": [[problem.kind.label, problem.subject, problem.detail] for problem in merged.problems],
        "annotations": [
            {
                "level": note.level,
                "title": note.title,
                "file": note.file,
                "line": note.line,
                "message": short(note.message),
            }
            for note in report_annotations(merged, workspace, workspace)
        ],
        "durations": dict(sorted(merged.durations_by_nodeid.items())),
    }


def test_the_corpus_holds_at_least_forty_inputs_from_every_producer() -> None:
    producers = {path.parent.name for path in INPUTS}
    assert len(INPUTS) >= 40
    assert {
        "pytest",
        "jest",
        "mocha",
        "cypress",
        "surefire",
        "failsafe",
        "gradle",
        "go",
        "rspec",
    } <= producers
    assert {
        "phpunit",
        "nunit2",
        "nunit3",
        "xunit",
        "trx",
        "nameless",
        "huge",
        "encoding",
        "hostile",
    } <= producers


@pytest.mark.parametrize("source", INPUTS, ids=[str(path.relative_to(CORPUS)) for path in INPUTS])
def test_each_result_file_reads_as_its_expected_file_says(source: Path) -> None:
    actual = golden(source)
    expected_file = expected_path(source)
    text = json.dumps(actual, indent=1, ensure_ascii=False) + "\n"
    if UPDATE:
        expected_file.write_text(text, encoding="utf-8")
    assert expected_file.is_file(), f"no {expected_file.name}: run with SPT_UPDATE_GOLDEN=1 and review it"
    assert json.loads(expected_file.read_text(encoding="utf-8")) == json.loads(text)


def test_no_expected_file_is_left_without_its_input() -> None:
    orphans = [path for path in CORPUS.rglob("*.expected.json")
               if not any(expected_path(source) == path for source in INPUTS)]  # fmt: skip
    assert orphans == []


def junitparser_counts(path: Path) -> tuple[int, int, int, int]:
    from junitparser import Error, Failure, JUnitXml, Skipped

    tests = failures = errors = skipped = 0
    for suite in JUnitXml.fromfile(str(path)):
        for case in suite:
            tests += 1
            kinds = {type(result) for result in case.result}
            if Failure in kinds:
                failures += 1
            elif Error in kinds:
                errors += 1
            elif Skipped in kinds:
                skipped += 1
    return tests, failures, errors, skipped


def our_counts(merged: MergedResults) -> tuple[int, int, int, int]:
    counts = merged.counts
    return counts.total, counts.failed, counts.errors, counts.skipped


def test_the_merged_junit_of_the_whole_corpus_reads_back_the_same_in_junitparser_and_ours(
    tmp_path: Path,
) -> None:
    readable = [path for path in INPUTS if merge_files([path]).files[0].error is None]
    merged = merge_files(readable)
    out = tmp_path / "merged.xml"
    write_merged_junit(merged.files, out)
    assert junitparser_counts(out) == our_counts(merged)
    again = merge_files([out])
    assert our_counts(again) == our_counts(merged)
    assert again.counts.flaky == merged.counts.flaky
    assert sorted((f.message, f.failure_type, f.attempts) for f in again.failures) == sorted(
        (f.message, f.failure_type, f.attempts) for f in merged.failures
    )
