"""What a JUnit file says, reduced to what the report needs: counts, bounded failure details, timings."""

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


class CaseDetail(NamedTuple):
    """What a testcase says beyond its outcome; only testcases with child elements carry one.
    A NamedTuple for the reason CaseRecord is one: built for every skip and failure, it constructs
    several times faster than a frozen dataclass (whose fields are set one `object.__setattr__` at a
    time), and is just as immutable."""

    message: str = ""
    text: str = ""
    failure_type: str = ""
    flaky_attempts: int = 0
    properties: tuple[tuple[str, str], ...] = ()
    output: str = ""


NO_DETAIL = CaseDetail()


class CaseRecord(NamedTuple):
    """One `<testcase>` as parsed; short-lived (streamed), never all kept in memory at once.
    A NamedTuple, not a dataclass: a million of these are built per run and tuples build fastest."""

    classname: str
    name: str
    file: str | None
    line: int | None
    seconds: float
    outcome: Outcome
    detail: CaseDetail
    attempts: int = 1


@dataclass(frozen=True)
class SuiteTiming:
    """When a result file's top-level suites ran, for the per-shard durations and the gantt chart."""

    started_at: datetime | None
    seconds: float


@dataclass(frozen=True)
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


class ProblemKind(Enum):
    """Why the results cannot be trusted as complete; each is a failure of the run unless noted."""

    UNREADABLE_FILE = "unreadable result file"
    MISSING_SHARD = "missing shard"
    MISSING_TEST = "planned test not reported"
    DUPLICATE_TEST = "test reported more than once"
    UNPLANNED_TEST = "test reported but not planned"
    PLAN_MISMATCH = "shard plans disagree"

    @property
    def fails_run(self) -> bool:
        # An unplanned test still ran and reported; the plan is what drifted, so warn only.
        return self is not ProblemKind.UNPLANNED_TEST


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
    """One result file (normally one shard): its counts and timing, or why it could not be read."""

    path: str
    shard_index: int | None
    counts: Counts
    timing: SuiteTiming
    error: str | None = None


@dataclass(frozen=True)
class MergedResults:
    """Every shard's results merged and checked against the plans."""

    counts: Counts
    files: tuple[FileSummary, ...]
    failures: tuple[FailureDetail, ...]
    failures_not_kept: int
    problems: tuple[Problem, ...]
    problem_totals: tuple[tuple[ProblemKind, int], ...]
    durations_by_nodeid: dict[str, float] = field(repr=False, default_factory=dict)
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
