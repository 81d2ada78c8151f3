"""Visual Studio TRX (`<TestRun>`, as `dotnet test --logger trx` and vstest write it).

`<Results>` holds one `<UnitTestResult testId testName outcome duration>` per test (data-driven rows
nest more results under `<InnerResults>`: the outer result is the test, its outcome covers the rows);
the class of each test is in `<TestDefinitions>`, which vstest writes after the results. A result
whose definition has not been read yet is held until the end of the file (memory grows with such
results, in TRX files only); one whose definition came first is handed over at once.
`<ResultSummary><Counters total=...>` is the file's declared total.
"""

from __future__ import annotations

from xml.parsers.expat import XMLParserType

from runner.report.junit.formats.base import (
    MAX_MESSAGE_CHARS,
    MAX_OUTPUT_CHARS,
    FileScan,
    FormatReader,
    ReadOptions,
    local_name,
    timestamp,
)
from runner.report.junit.model import CaseDetail, CaseRecord, Outcome, ResultFormat

_OUTCOMES = {
    "Passed": Outcome.PASSED,
    "PassedButRunAborted": Outcome.PASSED,
    "Warning": Outcome.PASSED,
    "Completed": Outcome.PASSED,
    "Failed": Outcome.FAILED,
    "Error": Outcome.ERROR,
    "Timeout": Outcome.ERROR,
    "Aborted": Outcome.ERROR,
    "Disconnected": Outcome.ERROR,
    "NotExecuted": Outcome.SKIPPED,
    "NotRunnable": Outcome.SKIPPED,
    "Inconclusive": Outcome.SKIPPED,
    "Pending": Outcome.SKIPPED,
    "InProgress": Outcome.SKIPPED,
}
_TEXTS = {"Message": "message", "StackTrace": "text", "StdOut": "output", "StdErr": "output"}


class TrxReader(FormatReader):
    result_format = ResultFormat.TRX

    def __init__(self, parser: XMLParserType, scan: FileScan, options: ReadOptions) -> None:
        super().__init__(parser, scan, options)
        self._classes: dict[str, str] = {}  # testId -> class name, from <TestDefinitions>
        self._waiting: list[tuple[str, CaseRecord]] = []  # results whose definition comes later
        self._in_results = False
        self._result: dict[str, str] | None = None
        self._result_depth = 0  # elements open inside the result (inner results are part of it)
        self._texts: dict[str, str] = {}
        self._capturing: str | None = None
        self._definition: str | None = None  # the open <UnitTest>'s id

    def start(self, name: str, attrs: dict[str, str]) -> None:
        name = local_name(name)
        if self._result is not None:
            self._result_depth += 1
            # Only the outer result's own ErrorInfo/Output: inner rows' texts would overwrite it.
            if name in _TEXTS and self._result_depth <= 3 and self._capturing is None:
                self._capturing = name
                self.capture_text()
        elif self._in_results:
            self._result, self._result_depth, self._texts = attrs, 0, {}
        elif name == "Results":
            self._in_results = True
        elif name == "UnitTest":
            self._definition = attrs.get("id")
        elif name == "TestMethod" and self._definition is not None:
            # Old MSTest writes `Ns.Class, Assembly, Version=...`.
            self._classes[self._definition] = attrs.get("className", "").split(",")[0].strip()
        elif name == "Times":
            started, finished = timestamp(attrs.get("start")), timestamp(attrs.get("finish"))
            self.scan.note_start(started)
            if started is not None and finished is not None:
                self.scan.seconds += max(0.0, (finished - started).total_seconds())
        elif name == "Counters":
            self.scan.declare(attrs.get("total"))

    def end(self, name: str) -> None:
        name = local_name(name)
        if self._result is not None:
            if self._result_depth == 0:
                self._emit(self._result)
                self._result = None
                return
            self._result_depth -= 1
            if name == self._capturing:
                self._capturing = None
                key = _TEXTS[name]
                limit = (
                    MAX_MESSAGE_CHARS if key == "message" else MAX_OUTPUT_CHARS if key == "output" else None
                )
                text = self.captured_text(limit)
                self._texts[key] = (self._texts.get(key, "") + "\n" + text).strip("\n")
        elif name == "Results":
            self._in_results = False
        elif name == "UnitTest":
            self._definition = None

    def finish(self) -> None:
        for test_id, record in self._waiting:
            self.emit(self._named(record, self._classes.get(test_id, "")))
        self._waiting = []

    def _emit(self, attrs: dict[str, str]) -> None:
        outcome = _OUTCOMES.get(attrs.get("outcome", ""), Outcome.ERROR)
        texts = self._texts
        detail = CaseDetail(
            texts.get("message", "").strip(),
            texts.get("text", ""),
            "",
            0,
            (),
            texts.get("output", "") if outcome.is_failure else "",
        )
        seconds = self.seconds(_clock(attrs.get("duration")))
        record = CaseRecord("", attrs.get("testName", ""), None, None, seconds, outcome, detail)
        test_id = attrs.get("testId", "")
        if test_id in self._classes:
            self.emit(self._named(record, self._classes[test_id]))
        else:
            self._waiting.append((test_id, record))

    @staticmethod
    def _named(record: CaseRecord, classname: str) -> CaseRecord:
        name = record.name
        if classname and name.startswith(classname + "."):
            name = name[len(classname) + 1 :]
        return record._replace(classname=classname, name=name)


def _clock(duration: str | None) -> str | None:
    """`00:01:02.5000000` -> `62.5`."""
    if not duration:
        return None
    parts = duration.split(":")
    if len(parts) != 3:
        return None
    try:
        hours, minutes, secs = int(parts[0]), int(parts[1]), float(parts[2])
    except ValueError:
        return None
    return str(hours * 3600 + minutes * 60 + secs)
