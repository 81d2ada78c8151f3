"""Write every result file's tests as one JUnit file, one `<testsuite>` per result file, streamed.

Faithful: each test keeps its classname, name, file, line and time as read; a failure, error or skip
keeps its type, message and whole text (even when empty: a bare `<failure/>` stays a failure);
properties stay; retries stay as `flakyFailure` (a final pass) or `rerunFailure` (a final failure)
elements, one per earlier attempt. A file that could not be read is an error testcase naming it.
Each suite carries the counts the merge found, so a JUnit reader sums to the same totals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from runner.report.junit.formats.base import FileScan, ReadOptions
from runner.report.junit.model import CaseRecord, FileSummary, Outcome
from runner.report.junit.parser import JUnitReadError, iter_cases

# XML 1.0 forbids these code points even escaped.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_RESULT_TAGS = {Outcome.FAILED: "failure", Outcome.ERROR: "error", Outcome.SKIPPED: "skipped"}
_WHOLE = ReadOptions(read_seconds=True, text_limit=None)


def write_merged_junit(
    files: Iterable[FileSummary], out_path: Path, planned_nodeids: Iterable[str] = ()
) -> None:
    """`planned_nodeids` is accepted for callers of the earlier writer; names are written as read."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = out_path.with_suffix(out_path.suffix + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="serverless-pr-test merged">\n'
        )
        for summary in files:
            _write_suite(handle, summary)
        handle.write("</testsuites>\n")
    temporary.replace(out_path)


# Not xml.sax.saxutils: importing it pulls in urllib and http.client, megabytes for three replaces.
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def _attr(value: object) -> str:
    return '"' + _ILLEGAL_XML.sub("", str(value)).translate(_ATTRIBUTE_ESCAPES) + '"'


def _text(value: str) -> str:
    return _ILLEGAL_XML.sub("", value).translate(_TEXT_ESCAPES)


def _write_suite(handle: TextIO, summary: FileSummary) -> None:
    path = Path(summary.path)
    if summary.error is not None:
        _write_unreadable(handle, path, summary, summary.error)
        return
    counts = summary.counts
    header = _suite_header(path, summary, counts.total, counts.failed, counts.errors, counts.skipped)
    body: list[str] = []
    try:
        # Read again, whole: the merge cut long texts, this file keeps them.
        for record in iter_cases(path, FileScan(), _WHOLE):
            body.append(_case(record))
            if len(body) >= 1_000:
                handle.write(header)
                header = ""
                handle.write("".join(body))
                body = []
    except JUnitReadError as error:
        # The file changed since the merge read it; say so instead of writing half a suite.
        if header:
            _write_unreadable(handle, path, summary, str(error))
            return
        body.append(_unreadable_case(path, str(error)))
    handle.write(header + "".join(body) + "</testsuite>\n")


def _suite_header(
    path: Path, summary: FileSummary, tests: int, failures: int, errors: int, skipped: int
) -> str:
    started = summary.timing.started_at
    stamp = f" timestamp={_attr(started.isoformat())}" if started is not None else ""
    return (
        f'<testsuite name={_attr(path.stem)} tests="{tests}" failures="{failures}" errors="{errors}" '
        f'skipped="{skipped}" time="{summary.timing.seconds:.3f}"{stamp} file={_attr(path.name)}>\n'
    )


def _write_unreadable(handle: TextIO, path: Path, summary: FileSummary, error: str) -> None:
    handle.write(_suite_header(path, summary, 1, 0, 1, 0) + _unreadable_case(path, error) + "</testsuite>\n")


def _unreadable_case(path: Path, error: str) -> str:
    return (
        f'<testcase classname="serverless-pr-test.results" name={_attr(f"read {path.name}")}>'
        f'<error type="UnreadableResultFile" message={_attr(f"{path.name}: {error}")}/></testcase>\n'
    )


def _case(record: CaseRecord) -> str:
    attributes = f"classname={_attr(record.classname)} name={_attr(record.name)}"
    if record.file is not None:
        attributes += f" file={_attr(record.file)}"
    if record.line is not None:
        attributes += f' line="{record.line}"'
    if record.seconds is not None:
        attributes += f' time="{record.seconds!r}"'
    detail = record.detail
    children: list[str] = []
    if detail.properties:
        properties = "".join(f"<property name={_attr(n)} value={_attr(v)}/>" for n, v in detail.properties)
        children.append(f"<properties>{properties}</properties>")
    tag = _RESULT_TAGS.get(record.outcome)
    if tag is not None:
        result = f"<{tag}"
        if detail.result_type:
            result += f" type={_attr(detail.result_type)}"
        if detail.message or tag != "skipped":
            result += f" message={_attr(detail.message)}"
        children.append(f"{result}>{_text(detail.text)}</{tag}>" if detail.text else f"{result}/>")
    retries = record.attempts - 1 + detail.retries
    if retries:
        retry_tag = "flakyFailure" if record.outcome is Outcome.PASSED else "rerunFailure"
        children.extend(f'<{retry_tag} message="earlier attempt failed"/>' for _ in range(retries))
    if detail.output:
        children.append(f"<system-out>{_text(detail.output)}</system-out>")
    if not children:
        return f"<testcase {attributes}/>\n"
    return f"<testcase {attributes}>{''.join(children)}</testcase>\n"
