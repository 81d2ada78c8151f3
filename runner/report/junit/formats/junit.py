"""JUnit XML as pytest, jest-junit, mocha, Cypress, Maven surefire/failsafe, Gradle, go-junit-report,
rspec, PHPUnit and friends write it: `<testcase>` elements anywhere below `<testsuites>`/`<testsuite>`.

Retries are counted only from explicit evidence:
- `flakyFailure`/`flakyError` (surefire, pytest-rerunfailures' JUnit support): earlier failed attempts
  of a test whose final attempt passed; `rerunFailure`/`rerunError` (surefire) and `rerun`: earlier
  attempts of a test that failed every time. Their children (stack traces, output) are not the test's.
- pytest output only: the same testcase (classname, name and file) written twice in a row is one test
  run again, because pytest never reports a node id twice in a session, except pytest-rerunfailures
  16.6.1+, which writes one `<testcase>` per attempt. Anywhere else, testcases that share a name
  (mocha tests with one title, nameless testcases) are distinct tests.
"""

from __future__ import annotations

import math
from xml.parsers.expat import XMLParserType

from runner.report.junit.formats.base import (
    MAX_MESSAGE_CHARS,
    MAX_OUTPUT_CHARS,
    FileScan,
    FormatReader,
    ReadOptions,
    cut,
    local_name,
    parse_seconds,
    timestamp,
)
from runner.report.junit.model import NO_DETAIL, CaseDetail, CaseRecord, Outcome, ResultFormat

_RESULTS = {"failure": Outcome.FAILED, "error": Outcome.ERROR, "skipped": Outcome.SKIPPED}
_RETRIES = frozenset({"flakyFailure", "flakyError", "rerunFailure", "rerunError", "rerun"})
_OUTPUTS = frozenset({"system-out", "system-err"})
_PASSED, _SKIPPED = Outcome.PASSED, Outcome.SKIPPED
_INFINITY = math.inf
_new_record = tuple.__new__


class _Detail:
    """What sits below one `<testcase>`, while it is read (slotted: one per skip or failure)."""

    __slots__ = ("capturing", "message", "output", "properties", "result_type", "retries", "text")

    def __init__(self) -> None:
        self.message = self.text = self.result_type = self.output = ""
        self.retries = 0
        self.properties: list[tuple[str, str]] = []
        self.capturing: str | None = None  # the element whose text is being collected

    def freeze(self, outcome: Outcome) -> CaseDetail:
        # Only a failed test's captured output is worth keeping.
        output = self.output if outcome.is_failure else ""
        return CaseDetail(
            self.message, self.text, self.result_type, self.retries, tuple(self.properties), output
        )


class JUnitReader(FormatReader):
    result_format = ResultFormat.JUNIT

    def __init__(self, parser: XMLParserType, scan: FileScan, options: ReadOptions) -> None:
        super().__init__(parser, scan, options)
        self._case: dict[str, str] | None = None  # the open testcase's attributes
        self._outcome = _PASSED
        self._detail: _Detail | None = None
        self._ignored_depth = 0  # inside a retry element: its children are not the test's
        self._suite_depth = 0
        self._previous: CaseRecord | None = None  # pytest output: held back to fold a rerun into
        self._read_seconds = options.read_seconds
        self._pytest = False  # scan.pytest_output, read once per test

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "testcase":
            # `_outcome` and `_detail` are back at PASSED and None here: `end` resets them.
            self._case = attrs
            return
        name = local_name(name)
        if self._case is None:
            self._suite_start(name, attrs)
            return
        if self._ignored_depth:
            self._ignored_depth += 1
            return
        detail = self._detail
        if detail is None:
            detail = self._detail = _Detail()
        result = _RESULTS.get(name)
        if result is not None:
            # A failure or error outranks a skip; the first of equal rank is kept.
            outcome = self._outcome
            if outcome is _PASSED or (outcome is _SKIPPED and result.is_failure):
                self._outcome = result
                detail.message = cut(attrs.get("message", ""), MAX_MESSAGE_CHARS)
                detail.result_type = attrs.get("type", "")
                detail.capturing = name
                self.capture_text()
        elif name in _RETRIES:
            detail.retries += 1
            self._ignored_depth = 1
        elif name == "property":
            detail.properties.append((attrs.get("name", ""), attrs.get("value", "")))
        elif name in _OUTPUTS and detail.capturing is None:
            detail.capturing = name
            self.capture_text()

    def end(self, name: str) -> None:
        attrs = self._case
        if attrs is None:
            if local_name(name) == "testsuite":
                self._suite_depth -= 1
            return
        if name == "testcase":
            # The hot path of the whole report (once per test): everything inline, no calls
            # beyond the attribute lookups and one record.
            self._case = None
            detail = self._detail
            outcome = self._outcome
            if detail is None:
                frozen = NO_DETAIL
            else:
                if detail.capturing is not None:
                    self._end_capture(detail)
                frozen = detail.freeze(outcome)
                self._detail, self._outcome = None, _PASSED
            seconds = None
            if self._read_seconds:
                raw_time = attrs.get("time")
                if raw_time:
                    try:
                        seconds = float(raw_time)
                    except ValueError:
                        seconds = parse_seconds(raw_time)
                    else:
                        if not 0.0 <= seconds < _INFINITY:  # negative, NaN or infinite: unknown
                            seconds = None
            raw_line = attrs.get("line")
            # tuple.__new__ builds the NamedTuple without its Python-level __new__ (fields in order).
            record: CaseRecord = _new_record(CaseRecord, (
                attrs.get("classname") or attrs.get("class", ""),
                attrs.get("name", ""),
                attrs.get("file"),
                int(raw_line) if raw_line and raw_line.isdigit() else None,
                seconds,
                outcome,
                frozen,
                1,
            ))  # fmt: skip
            if not self._pytest:
                self.emit(record)
                return
            previous = self._previous
            if previous is not None:
                if (
                    previous.name == record.name
                    and previous.classname == record.classname
                    and previous.file == record.file
                ):
                    # pytest-rerunfailures 16.6.1+: one testcase per attempt; the last one counts.
                    record = record._replace(attempts=previous.attempts + 1)
                else:
                    self.emit(previous)
            self._previous = record
            return
        if self._ignored_depth:
            self._ignored_depth -= 1
            return
        detail = self._detail
        if detail is not None and detail.capturing == local_name(name):
            self._end_capture(detail)

    def finish(self) -> None:
        if self._previous is not None:
            self.emit(self._previous)
            self._previous = None

    def _end_capture(self, detail: _Detail) -> None:
        tag = detail.capturing
        detail.capturing = None
        if tag in _OUTPUTS:
            text = self.captured_text(MAX_OUTPUT_CHARS * 2)
            detail.output = (detail.output + "\n" + text).strip("\n")[-MAX_OUTPUT_CHARS:]
        else:
            detail.text = self.captured_text()

    def _suite_start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "testsuite":
            self._suite_depth += 1
            if self._suite_depth == 1:
                if attrs.get("name") == "pytest":
                    self.scan.pytest_output = self._pytest = True
                self.scan.seconds += parse_seconds(attrs.get("time")) or 0.0
                self.scan.note_start(timestamp(attrs.get("timestamp")))
        elif name == "testsuites" and attrs.get("name", "").startswith("pytest"):
            self.scan.pytest_output = self._pytest = True
