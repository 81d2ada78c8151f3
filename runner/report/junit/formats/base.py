"""What every format reader shares: the file-level facts, bounded text capture, times and dates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from xml.parsers.expat import XMLParserType

from runner.report.junit.model import CaseRecord, ResultFormat, SuiteTiming

# Failure text beyond this is cut when read: the report shows a short traceback, nothing needs more.
MAX_TEXT_CHARS = 8_000
MAX_MESSAGE_CHARS = 2_000
MAX_OUTPUT_CHARS = 4_000  # the end of a failed test's captured output
CUT_MARK = "\n[... cut]"


@dataclass
class FileScan:
    """Filled while a file streams by: what is known about the file besides its tests."""

    pytest_output: bool = False
    started_at: datetime | None = None
    seconds: float = 0.0
    result_format: ResultFormat | None = None
    declared_total: int | None = None

    @property
    def timing(self) -> SuiteTiming:
        return SuiteTiming(self.started_at, self.seconds)

    def note_start(self, started: datetime | None) -> None:
        if started is not None and (self.started_at is None or started < self.started_at):
            self.started_at = started

    def declare(self, total: str | None) -> None:
        count = whole_number(total)
        if count is not None:
            self.declared_total = (self.declared_total or 0) + count


@dataclass(frozen=True)
class ReadOptions:
    """`read_seconds=False` leaves every record's seconds at None (a merge without durations never
    needs them); `text_limit=None` keeps texts whole (the merged JUnit file)."""

    read_seconds: bool = True
    text_limit: int | None = MAX_TEXT_CHARS


class FormatReader:
    """Base of the per-format expat callbacks. A reader appends finished records to `ready`, which
    the parser hands over after every chunk, so memory stays at one chunk's worth of records."""

    result_format: ResultFormat

    def __init__(self, parser: XMLParserType, scan: FileScan, options: ReadOptions) -> None:
        self.parser = parser
        self.scan = scan
        self.options = options
        self.ready: list[CaseRecord] = []
        self.emit = self.ready.append  # `ready` stays one list (the parser copies and clears it)
        self._pieces: list[str] = []
        self._piece_chars = 0
        scan.result_format = self.result_format

    def start(self, name: str, attrs: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        raise NotImplementedError

    def take(self) -> list[CaseRecord]:
        """The records finished since the last call."""
        batch = self.ready[:]
        self.ready.clear()
        return batch

    def finish(self) -> None:
        """The document ended: hand over anything held back."""

    def capture_text(self) -> None:
        """Collect character data from here until `captured_text()`."""
        self._pieces = []
        self._piece_chars = 0
        self.parser.CharacterDataHandler = self._collect

    def captured_text(self, limit: int | None = None) -> str:
        self.parser.CharacterDataHandler = None
        text = "".join(self._pieces)
        self._pieces = []
        return cut(text, limit if limit is not None else self.options.text_limit)

    def _collect(self, text: str) -> None:
        limit = self.options.text_limit
        if limit is None or self._piece_chars <= limit:
            self._pieces.append(text)
            self._piece_chars += len(text)

    def seconds(self, raw: str | None) -> float | None:
        return parse_seconds(raw) if self.options.read_seconds else None


def cut(text: str, limit: int | None) -> str:
    return text if limit is None or len(text) <= limit else text[:limit] + CUT_MARK


def parse_seconds(raw: str | None) -> float | None:
    """A time attribute in seconds; None when missing or not a finite, non-negative number."""
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        # Some producers write thousands separators ("1,234.5"); anything else is unknown.
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            return None
    return value if 0.0 <= value < math.inf else None


def whole_number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def timestamp(stamp: str | None, clock: str | None = None) -> datetime | None:
    """An ISO date-time, or a date and a separate clock time (xUnit.net, NUnit 2)."""
    if not stamp:
        return None
    text = f"{stamp}T{clock}" if clock and "T" not in stamp else stamp
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    # A timestamp without an offset is the producer's local time (pytest before 8, surefire).
    return moment if moment.tzinfo is not None else moment.astimezone()


def local_name(name: str) -> str:
    """`ns:testcase` -> `testcase`: the reader does no namespace processing (TRX uses a default one)."""
    return name.rpartition(":")[2] if ":" in name else name
