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

from collections.abc import Callable, Iterator
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


def iter_case_batches(
    path: Path, scan: FileScan | None = None, *, read_seconds: bool = True
) -> Iterator[list[CaseRecord]]:
    """The testcases of `path`, one list per chunk read (the merge's hot loop avoids a generator
    step per testcase this way); memory stays at one chunk's worth of records.

    `read_seconds=False` leaves every record's `seconds` at 0.0: `float()` of every `time` attribute
    is a visible share of the parse, and a merge without durations never reads it."""
    parser = ParserCreate()
    # The guards defusedxml installs (forbid_entities, forbid_external); DTDs without them are fine.
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_unparsed
    parser.ExternalEntityRefHandler = _forbid_external
    parser.buffer_text = True
    take = _install_reader(parser, scan if scan is not None else FileScan(), read_seconds)
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK_BYTES):
                parser.Parse(chunk, False)
                yield take(False)
            parser.Parse(b"", True)
            yield take(True)
    except DefusedXmlException as error:
        raise JUnitReadError(f"refused: {error}") from error
    except ExpatError as error:
        raise JUnitReadError(f"not well-formed XML: {error}") from error
    except OSError as error:
        raise JUnitReadError(f"unreadable: {error.strerror or error}") from error
    finally:
        # The callbacks and the parser refer to each other; unhooking them frees the parser at once
        # instead of at the next cycle collection (which the merge pauses while a file is read).
        parser.StartElementHandler = parser.EndElementHandler = parser.CharacterDataHandler = None


def _forbid_entity(name: str, is_parameter: bool, value: str | None, base: str | None, sysid: str | None,
                   pubid: str | None, notation: str | None) -> NoReturn:  # fmt: skip
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _forbid_unparsed(
    name: str, base: str | None, sysid: str | None, pubid: str | None, notation: str | None
) -> NoReturn:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation)


def _forbid_external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> NoReturn:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _install_reader(
    parser: XMLParserType, scan: FileScan, read_seconds: bool
) -> Callable[[bool], list[CaseRecord]]:
    """Set expat callbacks collecting CaseRecords on `parser`; the returned `take(final)` hands over
    what the last chunk produced.

    Why closures, not a class: the callbacks run twice per testcase, and state in closure cells
    reads and writes faster than `self.` attributes. The hot path (a passing `<testcase/>` with no
    children) does one store in `start` and one record in `end`; per-case state is only touched,
    and reset in `end`, when a child element made a `DetailReader` or an xUnit.net `<test>` is open.

    Reruns: pytest-rerunfailures (16.6.1+) writes one `<testcase>` per attempt, back to back, for the
    same test. Consecutive records of one test are folded into one whose `attempts` counts them.
    """
    ready: list[CaseRecord] = []
    previous: CaseRecord | None = None
    case: dict[str, str] | None = None  # the open testcase's attributes
    xunit_net = False
    outcome = _PASSED
    detail: DetailReader | None = None
    suite_depth = 0

    def take(final: bool) -> list[CaseRecord]:
        nonlocal ready, previous
        if final and previous is not None:
            ready.append(previous)
            previous = None
        batch, ready = ready, []
        return batch

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal case, xunit_net, outcome, detail, suite_depth
        if name == "testcase":
            if case is not None:  # nested in an unfinished testcase: it starts afresh
                xunit_net, outcome, detail = False, _PASSED, None
            case = attrs
            return
        if ":" in name:
            name = name.rpartition(":")[2]
        if case is not None:
            if detail is None:
                detail = DetailReader(parser)
            outcome = detail.child(name, attrs, outcome, xunit_net)
        elif name == "test" and "result" in attrs:
            case, xunit_net, detail = attrs, True, None
            outcome = _XUNIT_NET_RESULTS.get(attrs["result"], Outcome.ERROR)
        elif name in ("testsuite", "assembly"):
            suite_depth += 1
            if suite_depth == 1:
                _note_suite(scan, attrs)
        elif name == "testsuites" and attrs.get("name", "").startswith("pytest"):
            scan.pytest_output = True

    def end(name: str) -> None:
        nonlocal case, previous, xunit_net, outcome, detail, suite_depth
        attrs = case
        if attrs is None:
            if name in ("testsuite", "assembly") or name.endswith((":testsuite", ":assembly")):
                suite_depth -= 1
            return
        if detail is None and not xunit_net:
            # `</testcase>` of a testcase without children (a child would have made `detail`): a
            # plain pass, the hot path of the whole report; everything from here on is inline.
            classname, case_name = attrs.get("classname") or attrs.get("class", ""), attrs.get("name", "")
            case_outcome, case_detail = _PASSED, NO_DETAIL
        elif name == "testcase" or (xunit_net and name == "test"):
            if xunit_net:
                classname, case_name = attrs.get("type", ""), attrs.get("method") or attrs.get("name", "")
            else:
                classname, case_name = attrs.get("classname") or attrs.get("class", ""), attrs.get("name", "")
            case_outcome = outcome
            case_detail = NO_DETAIL if detail is None else detail.freeze(outcome)
            xunit_net, outcome, detail = False, _PASSED, None
        else:
            if detail is not None and detail.capture_tag is not None:
                detail.end(name.rpartition(":")[2] if ":" in name else name)
            return
        case = None
        seconds = 0.0
        if read_seconds:
            raw_time = attrs.get("time")
            try:
                seconds = float(raw_time) if raw_time else 0.0
            except ValueError:
                seconds = _seconds(raw_time)
            if not seconds >= 0:  # negative or NaN
                seconds = 0.0
        raw_line = attrs.get("line")
        attempts = 1
        if previous is not None:
            if previous[1] == case_name and previous[0] == classname:
                attempts = previous[7] + 1
            else:
                ready.append(previous)
        # A plain tuple in CaseRecord's field order: built a million times per run, and a tuple
        # display is several times cheaper than a NamedTuple constructor call.
        previous = (  # type: ignore[assignment]
            classname,
            case_name,
            attrs.get("file"),
            int(raw_line) if raw_line and raw_line.isdigit() else None,
            seconds,
            case_outcome,
            case_detail,
            attempts,
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    return take


def _note_suite(scan: FileScan, attrs: dict[str, str]) -> None:
    if attrs.get("name") == "pytest":
        scan.pytest_output = True
    scan.seconds += _seconds(attrs.get("time"))
    started = _timestamp(attrs.get("timestamp") or attrs.get("run-date"), attrs.get("run-time"))
    if started is not None and (scan.started_at is None or started < scan.started_at):
        scan.started_at = started


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
