"""NUnit 2 (`<test-results>`), NUnit 3 (`<test-run>`) and xUnit.net v1/v2 (`<assembly>`,
`<assemblies>`): one test element each (`test-case`, `test`) whose children share a shape:
`failure` with `message` and `stack-trace`, `reason` (with a `message`, or text in xUnit.net v2),
`output`, and properties, traits or categories.

A test's name is kept with its arguments (`Add(1,2)`, `Sum(a: 1, b: 2)`): parametrized NUnit rows
and xUnit.net theory cases are distinct tests. The totals each format records on its root or
assembly elements are kept as the file's declared total.
"""

from __future__ import annotations

from xml.parsers.expat import XMLParserType

from runner.report.junit.formats.base import (
    MAX_MESSAGE_CHARS,
    MAX_OUTPUT_CHARS,
    FileScan,
    FormatReader,
    ReadOptions,
    parse_seconds,
    timestamp,
    whole_number,
)
from runner.report.junit.model import CaseDetail, CaseRecord, Outcome, ResultFormat

_IGNORED_SUBTREES = frozenset({"assertions", "attachments"})  # repeat the failure, or point at files


class DotNetReader(FormatReader):
    """The shared child handling; subclasses say which element is a test, its identity and outcome."""

    case_tags: frozenset[str] = frozenset()

    def __init__(self, parser: XMLParserType, scan: FileScan, options: ReadOptions) -> None:
        super().__init__(parser, scan, options)
        self._case: dict[str, str] | None = None
        self._case_tag = ""
        self._message = self._text = self._type = self._output = ""
        self._properties: list[tuple[str, str]] = []
        self._capturing: str | None = None
        self._ignored_depth = 0

    def identity(self, tag: str, attrs: dict[str, str]) -> tuple[str, str]:
        raise NotImplementedError

    def outcome(self, tag: str, attrs: dict[str, str]) -> Outcome:
        raise NotImplementedError

    def outside(self, name: str, attrs: dict[str, str]) -> None:
        """An element outside any test: suites, assemblies, the root."""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self._case is None:
            if name in self.case_tags:
                self._case, self._case_tag = attrs, name
                self._message = self._text = self._type = self._output = ""
                self._properties = []
            else:
                self.outside(name, attrs)
        elif self._ignored_depth:
            self._ignored_depth += 1
        elif name == "failure":
            self._type = attrs.get("exception-type", "")
        elif name in ("message", "stack-trace", "output", "reason"):
            self._capturing = name
            self.capture_text()
        elif name in ("property", "trait"):
            self._properties.append((attrs.get("name", ""), attrs.get("value", "")))
        elif name == "category":
            self._properties.append(("Category", attrs.get("name", "")))
        elif name in _IGNORED_SUBTREES:
            self._ignored_depth = 1

    def end(self, name: str) -> None:
        attrs = self._case
        if attrs is None:
            return
        if self._ignored_depth:
            self._ignored_depth -= 1
        elif name == self._case_tag:
            self._emit(attrs)
        elif name == self._capturing:
            self._capturing = None
            if name == "stack-trace":
                self._text = self.captured_text()
            elif name == "output":
                self._output = self.captured_text(MAX_OUTPUT_CHARS)
            elif name == "message" or (name == "reason" and not self._message):
                self._message = self.captured_text(MAX_MESSAGE_CHARS).strip()
            else:
                self.captured_text()

    def _emit(self, attrs: dict[str, str]) -> None:
        tag = self._case_tag
        self._case = None
        if self._capturing is not None:
            self._capturing = None
            self.captured_text()
        outcome = self.outcome(tag, attrs)
        classname, name = self.identity(tag, attrs)
        output = self._output if outcome.is_failure else ""
        detail = CaseDetail(self._message, self._text, self._type, 0, tuple(self._properties), output)
        raw_time = attrs.get("duration") if "duration" in attrs else attrs.get("time")
        self.emit(CaseRecord(classname, name, None, None, self.seconds(raw_time), outcome, detail))


class NUnit3Reader(DotNetReader):
    """`<test-run>` > `<test-suite>`... > `<test-case name="Add(1,2)" classname result label>`."""

    result_format = ResultFormat.NUNIT3
    case_tags = frozenset({"test-case"})

    def outside(self, name: str, attrs: dict[str, str]) -> None:
        if name == "test-run":
            self.scan.declare(attrs.get("total") or attrs.get("testcasecount"))
            self.scan.note_start(timestamp(attrs.get("start-time")))
            self.scan.seconds += parse_seconds(attrs.get("duration")) or 0.0

    def identity(self, tag: str, attrs: dict[str, str]) -> tuple[str, str]:
        return attrs.get("classname", ""), attrs.get("name", "")

    def outcome(self, tag: str, attrs: dict[str, str]) -> Outcome:
        result = attrs.get("result", "")
        if result == "Failed":
            # NUnit marks a test that threw, was invalid or was cancelled with a label.
            return (
                Outcome.ERROR if attrs.get("label") in ("Error", "Invalid", "Cancelled") else Outcome.FAILED
            )
        if result in ("Skipped", "Inconclusive"):
            return Outcome.SKIPPED
        return Outcome.PASSED if result in ("Passed", "Warning") else Outcome.ERROR


_NUNIT2_OUTCOMES = {
    "Success": Outcome.PASSED,
    "Failure": Outcome.FAILED,
    "Error": Outcome.ERROR,
    "NotRunnable": Outcome.ERROR,
    "Cancelled": Outcome.ERROR,
    "Ignored": Outcome.SKIPPED,
    "Skipped": Outcome.SKIPPED,
    "Inconclusive": Outcome.SKIPPED,
    "NotRun": Outcome.SKIPPED,
}


class NUnit2Reader(DotNetReader):
    """`<test-results>` > `<test-suite>` > `<results>` > `<test-case name="Ns.Class.Add(1,2)">`."""

    result_format = ResultFormat.NUNIT2
    case_tags = frozenset({"test-case"})

    def __init__(self, parser: XMLParserType, scan: FileScan, options: ReadOptions) -> None:
        super().__init__(parser, scan, options)
        self._suite_depth = 0

    def outside(self, name: str, attrs: dict[str, str]) -> None:
        if name == "test-results":
            # NUnit 2.5+: `total` counts the tests that ran, `not-run` the others.
            total, not_run = whole_number(attrs.get("total")), whole_number(attrs.get("not-run"))
            if total is not None:
                self.scan.declare(str(total + (not_run or 0)))
            self.scan.note_start(timestamp(attrs.get("date"), attrs.get("time")))
        elif name == "test-suite":
            self._suite_depth += 1
            if self._suite_depth == 1:
                self.scan.seconds += parse_seconds(attrs.get("time")) or 0.0

    def identity(self, tag: str, attrs: dict[str, str]) -> tuple[str, str]:
        # The full name holds the class: `Ns.Class.Method(args)`; arguments may contain dots.
        full = attrs.get("name", "")
        method_path, paren, arguments = full.partition("(")
        classname, dot, method = method_path.rpartition(".")
        return (classname, method + paren + arguments) if dot else ("", full)

    def outcome(self, tag: str, attrs: dict[str, str]) -> Outcome:
        result = attrs.get("result")
        if result is None:
            return Outcome.PASSED if attrs.get("success") == "True" else Outcome.SKIPPED
        if attrs.get("executed") == "False" and result not in ("NotRunnable", "Error"):
            return Outcome.SKIPPED
        return _NUNIT2_OUTCOMES.get(result, Outcome.ERROR)


_XUNIT_OUTCOMES = {
    "Pass": Outcome.PASSED,
    "Fail": Outcome.FAILED,
    "Skip": Outcome.SKIPPED,
    "NotRun": Outcome.SKIPPED,
}


class XunitReader(DotNetReader):
    """xUnit.net v2 `<assemblies>` > `<assembly>` > `<collection>` > `<test name type method result>`
    (v1: `<assembly>` > `<class>` > `<test>`); `<errors>` > `<error>` are failures outside any test
    (a class or collection clean-up that threw) and count as errors."""

    result_format = ResultFormat.XUNIT_NET
    case_tags = frozenset({"test", "error"})

    def outside(self, name: str, attrs: dict[str, str]) -> None:
        if name == "assembly":
            total, errors = whole_number(attrs.get("total")), whole_number(attrs.get("errors"))
            if total is not None:
                self.scan.declare(str(total + (errors or 0)))
            self.scan.note_start(timestamp(attrs.get("run-date"), attrs.get("run-time")))
            self.scan.seconds += parse_seconds(attrs.get("time")) or 0.0
        elif name == "assemblies":
            self.scan.note_start(timestamp(attrs.get("timestamp")))

    def identity(self, tag: str, attrs: dict[str, str]) -> tuple[str, str]:
        if tag == "error":
            return attrs.get("name", ""), f"({attrs.get('type', 'error')})"
        classname = attrs.get("type", "")
        # The display name holds the theory's arguments (`method` does not): it names the test.
        name = attrs.get("name") or attrs.get("method", "")
        if classname and name.startswith(classname + "."):
            name = name[len(classname) + 1 :]
        return classname, name

    def outcome(self, tag: str, attrs: dict[str, str]) -> Outcome:
        return (
            Outcome.ERROR if tag == "error" else _XUNIT_OUTCOMES.get(attrs.get("result", ""), Outcome.ERROR)
        )
