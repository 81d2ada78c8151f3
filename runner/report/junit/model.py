"""What a result file says, reduced to what the report needs: counts, bounded failure details, timings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import NamedTuple


class Outcome(Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"

    @property
    def is_failure(self) -> bool:
        return self in (Outcome.FAILED, Outcome.ERROR)


class ResultFormat(Enum):
    """The result file formats the reader understands, named by their root element's family."""

    JUNIT = "JUnit"
    NUNIT2 = "NUnit 2"
    NUNIT3 = "NUnit 3"
    XUNIT_NET = "xUnit.net"
    TRX = "TRX"


class CaseDetail(NamedTuple):
    """What a test says beyond its outcome; only tests with child elements carry one.

    `retries` counts explicit evidence of earlier attempts (surefire and pytest-rerunfailures
    `flakyFailure`/`flakyError`, surefire `rerunFailure`/`rerunError`, `rerun`)."""

    message: str = ""
    text: str = ""
    result_type: str = ""
    retries: int = 0
    properties: tuple[tuple[str, str], ...] = ()
    output: str = ""


NO_DETAIL = CaseDetail()


class CaseRecord(NamedTuple):
    """One test as read from a result file; streamed, never all kept in memory at once.

    Identity is `classname`, `name` and `file` exactly as the file gives them. A NamedTuple: a
    million are built per run, and it builds several times faster than a frozen dataclass.
    `seconds` is None when the file gives no usable time (missing, negative, NaN or infinite)."""

    classname: str
    name: str
    file: str | None
    line: int | None
    seconds: float | None
    outcome: Outcome
    detail: CaseDetail = NO_DETAIL
    attempts: int = 1


@dataclass(frozen=True)
class SuiteTiming:
    """When a result file's top-level suites ran, for the per-shard durations and the gantt chart."""

    started_at: datetime | None
    seconds: float


class LocationSource(Enum):
    """Where a failure's file came from: only a file the producer named is trusted without a check."""

    FILE_ATTRIBUTE = "file attribute"
    TRACEBACK = "traceback"
    NODE_ID = "node id"


@dataclass(frozen=True, slots=True)
class FailureDetail:
    """A failed or errored test as the report shows it (text already cut to a bounded length)."""

    nodeid: str
    outcome: Outcome
    message: str
    text: str
    failure_type: str
    source: str
    file: str | None
    line: int | None
    properties: tuple[tuple[str, str], ...] = ()
    attempts: int = 1
    output: str = ""
    file_source: LocationSource | None = None
    result_format: ResultFormat = ResultFormat.JUNIT
    from_pytest: bool = False  # the text is a pytest traceback (Python), not some other language's


class ProblemKind(Enum):
    """Why the results cannot be trusted as complete; each is a failure of the run unless noted."""

    UNREADABLE_FILE = ("unreadable result file", "unreadable result files")
    MISSING_SHARD = ("missing shard", "missing shards")
    MISSING_TEST = ("planned test not reported", "planned tests not reported")
    DUPLICATE_TEST = ("test reported more than once", "tests reported more than once")
    UNPLANNED_TEST = ("test reported but not planned", "tests reported but not planned")
    PLAN_MISMATCH = ("shard plan mismatch", "shard plan mismatches")
    TOTALS_DISAGREE = ("result file whose totals disagree", "result files whose totals disagree")

    @property
    def label(self) -> str:
        return self.value[0]

    def counted(self, count: int) -> str:
        """`1 missing shard`, `2 missing shards`."""
        return f"{count} {self.value[0] if count == 1 else self.value[1]}"

    @property
    def fails_run(self) -> bool:
        # An unplanned test still ran and reported; the plan is what drifted, so warn only. A file
        # whose recorded totals differ from its tests was still read whole: a warning too.
        return self not in (ProblemKind.UNPLANNED_TEST, ProblemKind.TOTALS_DISAGREE)


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    subject: str
    detail: str = ""


@dataclass(frozen=True)
class Counts:
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    flaky: int = 0

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors + self.skipped

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.passed + other.passed,
            self.failed + other.failed,
            self.errors + other.errors,
            self.skipped + other.skipped,
            self.flaky + other.flaky,
        )


@dataclass(frozen=True)
class FileSummary:
    """One result file (normally one shard): its counts and timing, or why it could not be read.
    `declared_total` is the number of tests the file itself records (NUnit, xUnit.net, TRX), if any."""

    path: str
    shard_index: int | None
    counts: Counts
    timing: SuiteTiming
    error: str | None = None
    result_format: ResultFormat | None = None
    declared_total: int | None = None


@dataclass(frozen=True)
class MergedResults:
    """Every shard's results merged and checked against the plans."""

    counts: Counts
    files: tuple[FileSummary, ...]
    failures: tuple[FailureDetail, ...]
    failures_not_kept: int
    problems: tuple[Problem, ...]
    problem_totals: tuple[tuple[ProblemKind, int], ...]
    # pytest node id -> seconds (None: the file gave no usable time); empty when not collected.
    durations_by_nodeid: dict[str, float | None] = field(repr=False, default_factory=dict)
    planned_total: int | None = None
    shard_total: int | None = None

    @property
    def failed(self) -> bool:
        return (
            self.counts.failed > 0
            or self.counts.errors > 0
            or any(kind.fails_run and count > 0 for kind, count in self.problem_totals)
        )

    def problem_count(self, kind: ProblemKind) -> int:
        return dict(self.problem_totals).get(kind, 0)
