"""Merge every shard's JUnit file and prove each planned test reported exactly once.

Memory: one `{nodeid: seconds}` dict for the whole run (it doubles as the duplicate check and becomes
the durations store) plus at most `max_failures` failure details and `max_problems` problems; the
rest are counted. A file that fails to parse contributes nothing but its error entry, so a truncated
file never half-counts.

Reruns: the parser folds consecutive records of one test (pytest-rerunfailures writes one per attempt)
into one with `attempts`; the last attempt counts and an earlier one makes a final pass flaky. Any
other repeat, in one file or across files, is a duplicate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from runner.junit.location import locate
from runner.junit.model import (
    CaseRecord,
    Counts,
    FailureDetail,
    FileSummary,
    MergedResults,
    Outcome,
    Problem,
    ProblemKind,
    SuiteTiming,
)
from runner.junit.nodeid import NodeIdResolver
from runner.junit.parser import FileScan, JUnitReadError, iter_cases
from runner.junit.plans import ShardPlan, shard_index_of

DEFAULT_MAX_FAILURES = 1_000
DEFAULT_MAX_PROBLEMS = 500


_PASSED, _FAILED, _SKIPPED = Outcome.PASSED, Outcome.FAILED, Outcome.SKIPPED


@dataclass
class _FileTally:
    counts: Counts = field(default_factory=Counts)
    durations: dict[str, float] = field(default_factory=dict)
    failures: list[FailureDetail] = field(default_factory=list)
    failures_seen: int = 0
    repeated: list[str] = field(default_factory=list)


class _Problems:
    def __init__(self, limit: int) -> None:
        self.kept: list[Problem] = []
        self.totals: Counter[ProblemKind] = Counter()
        self._limit = limit

    def add(self, kind: ProblemKind, subject: str, detail: str = "") -> None:
        self.totals[kind] += 1
        if len(self.kept) < self._limit:
            self.kept.append(Problem(kind, subject, detail))


def discover(results_dir: Path) -> tuple[list[Path], list[Path]]:
    """(JUnit files, plan files) in `results_dir`; shard files in shard order, others by name."""
    if not results_dir.is_dir():
        return [], []

    def order(path: Path) -> tuple[int, str]:
        index = shard_index_of(path)
        return (index if index is not None else 1_000_000, path.name)

    xml_files = sorted((path for path in results_dir.glob("*.xml") if path.is_file()), key=order)
    plan_files = sorted(results_dir.glob("*.plan.json"), key=order)
    return xml_files, plan_files


def merge_results(
    results_dir: Path,
    *,
    expected_shards: int | None = None,
    max_failures: int = DEFAULT_MAX_FAILURES,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> MergedResults:
    xml_files, plan_files = discover(results_dir)
    return merge_files(
        xml_files,
        plan_files,
        expected_shards=expected_shards,
        max_failures=max_failures,
        max_problems=max_problems,
    )


def merge_files(
    xml_files: Sequence[Path],
    plan_files: Sequence[Path] = (),
    *,
    expected_shards: int | None = None,
    max_failures: int = DEFAULT_MAX_FAILURES,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> MergedResults:
    problems = _Problems(max_problems)
    plans = _read_plans(plan_files, problems)
    shard_total = _shard_total(plans, expected_shards, problems)
    resolver = NodeIdResolver(nodeid for plan in plans.values() for nodeid in plan.nodeids)
    durations: dict[str, float] = {}
    failures: list[FailureDetail] = []
    failures_seen = 0
    totals = Counts()
    summaries: list[FileSummary] = []
    for path in xml_files:
        index = shard_index_of(path)
        scan = FileScan()
        try:
            tally = _tally_file(path, resolver, scan, max_failures - len(failures))
        except JUnitReadError as error:
            summaries.append(FileSummary(str(path), index, Counts(), SuiteTiming(None, 0.0), str(error)))
            problems.add(ProblemKind.UNREADABLE_FILE, path.name, str(error))
            continue
        for nodeid in tally.repeated:
            problems.add(ProblemKind.DUPLICATE_TEST, nodeid, f"reported again in {path.name}")
        for nodeid, seconds in tally.durations.items():
            if nodeid in durations:
                problems.add(ProblemKind.DUPLICATE_TEST, nodeid, f"reported again in {path.name}")
                seconds = max(seconds, durations[nodeid])
            durations[nodeid] = seconds
        if index is not None and index in plans:
            _compare_with_plan(plans[index], tally.durations, path.name, problems)
        counts = tally.counts
        totals += counts
        failures.extend(tally.failures)
        failures_seen += tally.failures_seen
        summaries.append(FileSummary(str(path), index, counts, scan.timing))
    _check_shards_present(shard_total, summaries, plans, problems)
    return MergedResults(
        counts=totals,
        files=tuple(summaries),
        failures=tuple(failures),
        failures_not_kept=failures_seen - len(failures),
        problems=tuple(problems.kept),
        problem_totals=tuple(sorted(problems.totals.items(), key=lambda item: item[0].name)),
        durations_by_nodeid=durations,
        planned_total=sum(len(plan.nodeids) for plan in plans.values()) if plans else None,
        shard_total=shard_total,
    )


def _tally_file(path: Path, resolver: NodeIdResolver, scan: FileScan, failure_room: int) -> _FileTally:
    """One file's counts, durations and failures; the loop is the hot path of the whole report."""
    tally = _FileTally()
    durations = tally.durations
    passed = failed = errors = skipped = flaky = 0
    resolve = resolver.resolve
    for record in iter_cases(path, scan):
        classname, name, file, _, seconds, outcome, detail, attempts = record
        nodeid = resolve(classname, name, file, scan.pytest_output)
        if nodeid in durations:
            tally.repeated.append(nodeid)
            durations[nodeid] += seconds
        else:
            durations[nodeid] = seconds
        if outcome is _PASSED:
            passed += 1
            if attempts > 1 or detail.flaky_attempts:
                flaky += 1
            continue
        if outcome is _SKIPPED:
            skipped += 1
            continue
        if outcome is _FAILED:
            failed += 1
        else:
            errors += 1
        tally.failures_seen += 1
        if len(tally.failures) < failure_room:
            tally.failures.append(_failure(record, nodeid, path.name))
    tally.counts = Counts(passed, failed, errors, skipped, flaky)
    return tally


def _failure(raw: CaseRecord, nodeid: str, source: str) -> FailureDetail:
    record = CaseRecord(*raw)  # the parser hands plain tuples in CaseRecord's field order
    detail = record.detail
    file, line = locate(detail.text, nodeid, record.file, record.line)
    return FailureDetail(
        nodeid=nodeid,
        outcome=record.outcome,
        message=detail.message,
        text=detail.text,
        failure_type=detail.failure_type,
        source=source,
        file=file,
        line=line,
        properties=detail.properties,
        attempts=record.attempts + detail.flaky_attempts,
    )


def _read_plans(plan_files: Iterable[Path], problems: _Problems) -> dict[int, ShardPlan]:
    plans: dict[int, ShardPlan] = {}
    for path in plan_files:
        try:
            plan = ShardPlan.read(path)
        except JUnitReadError as error:
            problems.add(ProblemKind.UNREADABLE_FILE, path.name, str(error))
            continue
        plans[plan.index] = plan
    return plans


def _shard_total(plans: dict[int, ShardPlan], expected: int | None, problems: _Problems) -> int | None:
    totals = {plan.total for plan in plans.values()}
    hashes = {plan.plan_hash for plan in plans.values()}
    if len(totals) > 1 or len(hashes) > 1:
        problems.add(
            ProblemKind.PLAN_MISMATCH,
            "shard plans",
            f"plans come from different runs (totals {sorted(totals)}, {len(hashes)} plan hashes)",
        )
    if expected is not None:
        if totals and totals != {expected}:
            problems.add(
                ProblemKind.PLAN_MISMATCH,
                "shard plans",
                f"plans say {sorted(totals)} shards, expected {expected}",
            )
        return expected
    return max(totals) if totals else None


def _compare_with_plan(plan: ShardPlan, reported: dict[str, float], source: str, problems: _Problems) -> None:
    planned = set(plan.nodeids)
    for nodeid in plan.nodeids:
        if nodeid not in reported:
            problems.add(
                ProblemKind.MISSING_TEST, nodeid, f"planned for shard {plan.index}, absent from {source}"
            )
    for nodeid in reported:
        if nodeid not in planned:
            problems.add(ProblemKind.UNPLANNED_TEST, nodeid, f"in {source}, not in shard {plan.index}'s plan")


def _check_shards_present(
    shard_total: int | None, summaries: list[FileSummary], plans: dict[int, ShardPlan], problems: _Problems
) -> None:
    if shard_total is None:
        if not summaries:
            problems.add(ProblemKind.MISSING_SHARD, "all shards", "no result files were found")
        return
    reported = {summary.shard_index for summary in summaries}
    for index in range(1, shard_total + 1):
        if index not in reported:
            planned = len(plans[index].nodeids) if index in plans else None
            detail = f"{planned} planned tests did not report" if planned is not None else "no result file"
            problems.add(ProblemKind.MISSING_SHARD, f"shard {index}/{shard_total}", detail)
