"""Streaming JUnit reader: expat with defusedxml's guards, no element tree at all.

Why not `defusedxml.ElementTree.iterparse`: to install its guards it swaps in the pure-Python
XMLParser and TreeBuilder, which measured slower than junitparser's full C parse. Here the same guards
defusedxml installs (entity declarations, unparsed entities and external references all raise
defusedxml's own exceptions) sit on a raw expat parser whose callbacks only look at `<testcase>` and
its result children, so memory stays flat in file size and text is only gathered inside results.

Understands pytest (xunit1/xunit2), jest-junit, Maven surefire (flakyFailure/rerunFailure), nose-style
xunit, and xUnit.net v2 (`<assemblies>`, `<test result=...>`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NoReturn
from xml.parsers.expat import ExpatError, ParserCreate, XMLParserType

from defusedxml.common import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

from runner.junit.detail import MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_TEXT_CHARS, DetailReader
from runner.junit.model import NO_DETAIL, CaseRecord, Outcome, SuiteTiming

__all__ = [
    "MAX_MESSAGE_CHARS",
    "MAX_OUTPUT_CHARS",
    "MAX_TEXT_CHARS",
    "FileScan",
    "JUnitReadError",
    "iter_case_batches",
    "iter_cases",
]

# Failure text beyond this is cut when read: the report shows a short traceback, nothing needs more.
_CHUNK_BYTES = 256 * 1024
_XUNIT_NET_RESULTS = {"Pass": Outcome.PASSED, "Fail": Outcome.FAILED, "Skip": Outcome.SKIPPED}
_PASSED = Outcome.PASSED


class JUnitReadError(ValueError):
    """A result file that cannot be read: malformed, truncated, or using forbidden XML features.
    Caught by the merge and turned into an error entry for that file; never reaches the CLI."""


@dataclass
class FileScan:
    """Filled while a file streams by: what is known about the file besides its testcases."""

    pytest_output: bool = False
    started_at: datetime | None = None
    seconds: float = 0.0

    @property
    def timing(self) -> SuiteTiming:
        return SuiteTiming(self.started_at, self.seconds)


def iter_cases(path: Path, scan: FileScan | None = None) -> Iterator[CaseRecord]:
    """Yield every testcase of `path` in document order; raises JUnitReadError on a bad file.
    Records are plain tuples in CaseRecord's field order (wrap with `CaseRecord(*record)` for names)."""
    for batch in iter_case_batches(path, scan):
        yield from batch


def iter_case_batches(path: Path, scan: FileScan | None = None) -> Iterator[list[CaseRecord]]:
    """The testcases of `path`, one list per chunk read (the merge's hot loop avoids a generator
    step per testcase this way); memory stays at one chunk's worth of records."""
    reader = _Reader(scan if scan is not None else FileScan())
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK_BYTES):
                reader.parser.Parse(chunk, False)
                yield reader.take()
            reader.parser.Parse(b"", True)
            yield reader.take(final=True)
    except DefusedXmlException as error:
        raise JUnitReadError(f"refused: {error}") from error
    except ExpatError as error:
        raise JUnitReadError(f"not well-formed XML: {error}") from error
    except OSError as error:
        raise JUnitReadError(f"unreadable: {error.strerror or error}") from error


def _forbid_entity(name: str, is_parameter: bool, value: str | None, base: str | None, sysid: str | None,
                   pubid: str | None, notation: str | None) -> NoReturn:  # fmt: skip
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _forbid_unparsed(
    name: str, base: str | None, sysid: str | None, pubid: str | None, notation: str | None
) -> NoReturn:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation)


def _forbid_external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> NoReturn:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


class _Reader:
    """expat callbacks collecting CaseRecords; `take()` hands over what the last chunk produced.

    The hot path (a passing `<testcase/>` with no children) touches only `_start` and `_end`; detail
    is gathered in a `_Detail` made on the first child element.

    Reruns: pytest-rerunfailures (16.6.1+) writes one `<testcase>` per attempt, back to back, for the
    same test. Consecutive records of one test are folded into one whose `attempts` counts them.
    """

    def __init__(self, scan: FileScan) -> None:
        self.scan = scan
        self.parser: XMLParserType = ParserCreate()
        # The guards defusedxml installs (forbid_entities, forbid_external); DTDs without them are fine.
        self.parser.EntityDeclHandler = _forbid_entity
        self.parser.UnparsedEntityDeclHandler = _forbid_unparsed
        self.parser.ExternalEntityRefHandler = _forbid_external
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self._ready: list[CaseRecord] = []
        self._previous: CaseRecord | None = None
        self._case: dict[str, str] | None = None
        self._xunit_net = False
        self._outcome = Outcome.PASSED
        self._detail: DetailReader | None = None
        self._suite_depth = 0

    def take(self, *, final: bool = False) -> list[CaseRecord]:
        if final and self._previous is not None:
            self._ready.append(self._previous)
            self._previous = None
        ready, self._ready = self._ready, []
        return ready

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "testcase":
            self._case, self._xunit_net, self._outcome, self._detail = attrs, False, _PASSED, None
            return
        if ":" in name:
            name = name.rpartition(":")[2]
        if self._case is not None:
            detail = self._detail
            if detail is None:
                detail = self._detail = DetailReader(self.parser)
            self._outcome = detail.child(name, attrs, self._outcome, xunit_net=self._xunit_net)
        elif name == "test" and "result" in attrs:
            self._case, self._xunit_net, self._detail = attrs, True, None
            self._outcome = _XUNIT_NET_RESULTS.get(attrs["result"], Outcome.ERROR)
        elif name in ("testsuite", "assembly"):
            self._suite_depth += 1
            if self._suite_depth == 1:
                self._note_suite(attrs)
        elif name == "testsuites" and attrs.get("name", "").startswith("pytest"):
            self.scan.pytest_output = True

    def _end(self, name: str) -> None:
        attrs = self._case
        if attrs is None:
            if name in ("testsuite", "assembly") or name.endswith((":testsuite", ":assembly")):
                self._suite_depth -= 1
            return
        if name == "testcase" or (self._xunit_net and name == "test"):
            # The hot path of the whole report (once per testcase): kept inline on purpose.
            self._case = None
            if self._xunit_net:
                classname, case_name = attrs.get("type", ""), attrs.get("method") or attrs.get("name", "")
            else:
                classname, case_name = attrs.get("classname") or attrs.get("class", ""), attrs.get("name", "")
            raw_time = attrs.get("time")
            try:
                seconds = float(raw_time) if raw_time else 0.0
            except ValueError:
                seconds = _seconds(raw_time)
            raw_line = attrs.get("line")
            detail = NO_DETAIL if self._detail is None else self._detail.freeze(self._outcome)
            attempts = 1
            previous = self._previous
            if previous is not None:
                if previous[1] == case_name and previous[0] == classname:
                    attempts = previous[7] + 1
                else:
                    self._ready.append(previous)
            # A plain tuple in CaseRecord's field order: built a million times per run, and a tuple
            # display is several times cheaper than a NamedTuple constructor call.
            self._previous = (  # type: ignore[assignment]
                classname,
                case_name,
                attrs.get("file"),
                int(raw_line) if raw_line and raw_line.isdigit() else None,
                seconds if seconds >= 0 else 0.0,
                self._outcome,
                detail,
                attempts,
            )
        elif self._detail is not None and self._detail.capture_tag is not None:
            self._detail.end(name.rpartition(":")[2])

    def _note_suite(self, attrs: dict[str, str]) -> None:
        if attrs.get("name") == "pytest":
            self.scan.pytest_output = True
        self.scan.seconds += _seconds(attrs.get("time"))
        started = _timestamp(attrs.get("timestamp") or attrs.get("run-date"), attrs.get("run-time"))
        if started is not None and (self.scan.started_at is None or started < self.scan.started_at):
            self.scan.started_at = started


def _timestamp(stamp: str | None, clock: str | None) -> datetime | None:
    if not stamp:
        return None
    text = f"{stamp}T{clock}" if clock and "T" not in stamp else stamp
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    # A timestamp without an offset is the producer's local time (pytest before 8, surefire).
    return moment if moment.tzinfo is not None else moment.astimezone()


def _seconds(raw: str | None) -> float:
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        # Some producers write thousands separators ("1,234.5"); anything else counts as unknown.
        try:
            value = float(raw.replace(",", "")) if raw else 0.0
        except ValueError:
            return 0.0
    return value if value >= 0 else 0.0
