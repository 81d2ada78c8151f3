"""Write the merged JUnit file with junit-xml, one `<testsuite>` per shard file.

junit-xml builds a whole document in memory; to keep memory at one shard's size, each shard's suite is
built and serialized on its own, between a hand-written `<testsuites>` header and footer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from xml.etree import ElementTree

from junit_xml import TestCase, TestSuite

from runner.junit.model import CaseRecord, FileSummary, Outcome
from runner.junit.nodeid import NodeIdResolver
from runner.junit.parser import FileScan, JUnitReadError, iter_cases

# XML 1.0 forbids these code points even escaped; junit-xml only strips them from whole documents.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def write_merged_junit(
    files: Iterable[FileSummary], out_path: Path, planned_nodeids: Iterable[str] = ()
) -> None:
    resolver = NodeIdResolver(planned_nodeids)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = out_path.with_suffix(out_path.suffix + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="serverless-pr-test merged">\n'
        )
        for summary in files:
            suite = _suite_for(summary, resolver)
            element = suite.build_xml_doc()
            handle.write(_ILLEGAL_XML.sub("", ElementTree.tostring(element, encoding="unicode")))
            handle.write("\n")
        handle.write("</testsuites>\n")
    temporary.replace(out_path)


def _suite_for(summary: FileSummary, resolver: NodeIdResolver) -> TestSuite:
    path = Path(summary.path)
    timestamp = summary.timing.started_at.isoformat() if summary.timing.started_at else None
    if summary.error is not None:
        case = TestCase(name=f"read {path.name}", classname="serverless-pr-test.results")
        case.add_error_info(message=f"{path.name}: {summary.error}", error_type="UnreadableResultFile")
        return TestSuite(path.stem, [case], timestamp=timestamp, file=path.name)
    cases: list[TestCase] = []
    scan = FileScan()
    try:
        for raw in iter_cases(path, scan):
            record = CaseRecord(*raw)
            detail = record.detail
            nodeid = resolver.resolve(record.classname, record.name, record.file, scan.pytest_output)
            case = TestCase(
                name=record.name,
                classname=record.classname,
                elapsed_sec=record.seconds,
                file=nodeid.split("::", 1)[0] if "::" in nodeid else record.file,
                line=record.line,
                stdout=detail.output or None,
            )
            if record.outcome is Outcome.FAILED:
                case.add_failure_info(
                    message=detail.message, output=detail.text, failure_type=detail.failure_type
                )
            elif record.outcome is Outcome.ERROR:
                case.add_error_info(
                    message=detail.message, output=detail.text, error_type=detail.failure_type
                )
            elif record.outcome is Outcome.SKIPPED:
                case.add_skipped_info(message=detail.message, output=detail.text or None)
            cases.append(case)
    except JUnitReadError as error:
        # The file changed since the merge read it; say so instead of writing half a suite.
        case = TestCase(name=f"read {path.name}", classname="serverless-pr-test.results")
        case.add_error_info(message=f"{path.name}: {error}", error_type="UnreadableResultFile")
        cases = [case]
    return TestSuite(path.stem, cases, timestamp=timestamp, file=path.name)
