"""Merge every shard's result file and prove each planned test reported exactly once.

Memory: one dict entry per pytest node id (the exact duplicate and plan checks: node id -> the file
that reported it first), at most `max_failures` failure details and `max_problems` problems (the
rest are counted), and, when asked for, the `{nodeid: seconds}` map that becomes the durations store
(sharing the node-id strings). A file that fails to parse, or is of no format the reader knows,
contributes nothing but its error entry, so a truncated file never half-counts.

Retries come only from explicit evidence (see runner/junit/formats/junit.py); the last attempt
counts and an earlier failed one makes a final pass flaky. Any other repeat of a pytest node id, in
one file or across files, is a duplicate, named with both places.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from runner.junit.model import (
    Counts,
    FailureDetail,
    FileSummary,
    MergedResults,
    Problem,
    ProblemKind,
    SuiteTiming,
)
from runner.junit.nodeid import NodeIdResolver
from runner.junit.parser import FileScan, JUnitReadError, ReadOptions, iter_case_batches
from runner.junit.plans import ShardPlan, shard_index_of
from runner.junit.tally import MAX_NAMES_KEPT, FileTally, tally_file
from runner.shard_exit import ShardExit, exit_path

RESULT_SUFFIXES = (".xml", ".trx")

DEFAULT_MAX_FAILURES = 1_000
DEFAULT_MAX_PROBLEMS = MAX_NAMES_KEPT


class _Problems:
    def __init__(self, limit: int) -> None:
        self.kept: list[Problem] = []
        self.totals: Counter[ProblemKind] = Counter()
        self._limit = limit

    def add(self, kind: ProblemKind, subject: str, detail: str = "") -> None:
        self.totals[kind] += 1
        if len(self.kept) < self._limit:
            self.kept.append(Problem(kind, subject, detail))

    def count_only(self, kind: ProblemKind, count: int) -> None:
        if count > 0:
            self.totals[kind] += count


def discover(results_dir: Path) -> tuple[list[Path], list[Path]]:
    """(result files, plan files) under `results_dir`; shard files in shard order, others by name.
    Every `.xml` and `.trx` file is a result file: one the reader does not know fails the report."""
    if not results_dir.is_dir():
        return [], []

    def order(path: Path) -> tuple[int, str]:
        index = shard_index_of(path)
        return (index if index is not None else 1_000_000, path.name)

    # Recursive: artifact downloads often put each shard's files in a folder of their own.
    xml_files = sorted(
        (
            path
            for path in results_dir.rglob("*")
            if path.suffix.lower() in RESULT_SUFFIXES and path.is_file()
        ),
        key=order,
    )
    plan_files = sorted(results_dir.rglob("*.plan.json"), key=order)
    return xml_files, plan_files


def merge_results(
    results_dir: Path,
    *,
    expected_shards: int | None = None,
    max_failures: int = DEFAULT_MAX_FAILURES,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    collect_durations: bool = True,
) -> MergedResults:
    xml_files, plan_files = discover(results_dir)
    return merge_files(
        xml_files,
        plan_files,
        results_dir=results_dir,
        expected_shards=expected_shards,
        max_failures=max_failures,
        max_problems=max_problems,
        collect_durations=collect_durations,
    )


def merge_files(
    xml_files: Sequence[Path],
    plan_files: Sequence[Path] = (),
    *,
    results_dir: Path | None = None,
    expected_shards: int | None = None,
    max_failures: int = DEFAULT_MAX_FAILURES,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    collect_durations: bool = True,
) -> MergedResults:
    """`collect_durations=False` skips the {nodeid: seconds} map. `results_dir` is where a crashed
    shard's exit record is looked for."""
    problems = _Problems(max_problems)
    plans = _read_plans(plan_files, problems)
    shard_total = _shard_total(plans, expected_shards, problems)
    resolver = NodeIdResolver(nodeid for plan in plans.values() for nodeid in plan.nodeids)
    # Every pytest node id reported -> its seconds (None when unknown or not collected): the exact
    # identity set of the duplicate and plan checks, and the durations store, in one dict.
    seen: dict[str, float | None] = {}
    repeats: list[tuple[str, int]] = []  # (node id, index in xml_files of the file repeating it)
    failures: list[FailureDetail] = []
    failures_seen = 0
    totals = Counts()
    summaries: list[FileSummary] = []
    with _cyclic_gc_paused():
        for file_number, path in enumerate(xml_files):
            index = shard_index_of(path)
            plan = plans.get(index) if index is not None else None
            scan = FileScan()
            tally = FileTally(read_seconds=collect_durations)
            try:
                tally_file(path, resolver, scan, tally, seen, plan, max_failures - len(failures))
            except JUnitReadError as error:
                for nodeid in tally.added:
                    del seen[nodeid]
                summaries.append(FileSummary(str(path), index, Counts(), SuiteTiming(None, 0.0), str(error)))
                problems.add(ProblemKind.UNREADABLE_FILE, _place(path), str(error))
                continue
            kept = tally.duplicates[: max(0, max_problems - len(repeats))]
            repeats.extend((nodeid, file_number) for nodeid in kept)
            problems.count_only(ProblemKind.DUPLICATE_TEST, tally.duplicates_count - len(kept))
            if plan is not None:
                _compare_with_plan(plan, tally, _place(path), problems)
            _check_declared_total(path, scan, tally.counts.total, problems)
            totals += tally.counts
            failures.extend(tally.failures)
            failures_seen += tally.failures_seen
            summaries.append(
                FileSummary(
                    str(path), index, tally.counts, scan.timing, None, scan.result_format, scan.declared_total
                )
            )
    _name_duplicates(repeats, xml_files, resolver, problems)
    _check_shards_present(shard_total, summaries, plans, problems, results_dir)
    return MergedResults(
        counts=totals,
        files=tuple(summaries),
        failures=tuple(failures),
        failures_not_kept=failures_seen - len(failures),
        problems=tuple(problems.kept),
        problem_totals=tuple(sorted(problems.totals.items(), key=lambda item: item[0].name)),
        durations_by_nodeid=seen if collect_durations else {},
        planned_total=sum(len(plan.nodeids) for plan in plans.values()) if plans else None,
        shard_total=shard_total,
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


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Why: reading a file allocates millions of short-lived, acyclic objects (attribute dicts,
    records), so the cycle collector runs hundreds of times and finds nothing, while each pass that
    includes the run's identity set walks every entry of it. Reference counting still frees all of
    it; the collector resumes when the merge is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compare_with_plan(plan: ShardPlan, tally: FileTally, source: str, problems: _Problems) -> None:
    reported = set(tally.added)
    for nodeid in plan.nodeids:
        if nodeid not in reported and nodeid not in tally.repeated:
            problems.add(
                ProblemKind.MISSING_TEST, nodeid, f"planned for shard {plan.index}, absent from {source}"
            )
    for nodeid in tally.unplanned:
        problems.add(ProblemKind.UNPLANNED_TEST, nodeid, f"in {source}, not in shard {plan.index}'s plan")
    problems.count_only(ProblemKind.UNPLANNED_TEST, tally.unplanned_count - len(tally.unplanned))


def _check_declared_total(path: Path, scan: FileScan, counted: int, problems: _Problems) -> None:
    """NUnit, xUnit.net and TRX record how many tests they hold; a difference is worth a warning."""
    declared = scan.declared_total
    if declared is not None and declared != counted:
        tests = "test" if declared == 1 else "tests"
        problems.add(
            ProblemKind.TOTALS_DISAGREE, _place(path), f"records {declared} {tests}, holds {counted}"
        )


def _name_duplicates(
    repeats: list[tuple[str, int]], xml_files: Sequence[Path], resolver: NodeIdResolver, problems: _Problems
) -> None:
    """A duplicate names where it was first reported and where again. The first place is found by
    reading the files again, only for the duplicates kept (a run without any reads nothing twice),
    so the run's identity set need not hold a file per test."""
    if not repeats:
        return
    first_places = _first_places({nodeid for nodeid, _ in repeats}, xml_files, resolver)
    for nodeid, again in repeats:
        first = first_places.get(nodeid, again)
        again_in = _place(xml_files[again])
        where = (
            f"twice in {again_in}"
            if first == again
            else f"first in {_place(xml_files[first])}, again in {again_in}"
        )
        problems.add(ProblemKind.DUPLICATE_TEST, nodeid, where)


def _first_places(wanted: set[str], xml_files: Sequence[Path], resolver: NodeIdResolver) -> dict[str, int]:
    found: dict[str, int] = {}
    for file_number, path in enumerate(xml_files):
        scan = FileScan()
        try:
            for batch in iter_case_batches(path, scan, ReadOptions(read_seconds=False)):
                for nodeid in resolver.resolve_all(batch, scan.pytest_output):
                    if nodeid in wanted and nodeid not in found:
                        found[nodeid] = file_number
        except JUnitReadError:
            continue
        if len(found) == len(wanted):
            break
    return found


def _place(path: Path) -> str:
    """A result file as problems name it: its name, with its folder when shards sit in folders."""
    return (
        f"{path.parent.name}/{path.name}"
        if path.parent.name.startswith(("results-", "shard-"))
        else path.name
    )


def _check_shards_present(
    shard_total: int | None,
    summaries: list[FileSummary],
    plans: dict[int, ShardPlan],
    problems: _Problems,
    results_dir: Path | None,
) -> None:
    if shard_total is None:
        if not summaries:
            problems.add(ProblemKind.MISSING_SHARD, "all shards", "no result files were found")
        return
    reported = {summary.shard_index for summary in summaries}
    for index in range(1, shard_total + 1):
        if index in reported:
            continue
        planned = len(plans[index].nodeids) if index in plans else None
        if planned is None:
            detail = "no result file"
        else:
            detail = f"{planned} planned {'test' if planned == 1 else 'tests'} did not report"
        ended = _shard_exit(results_dir, index)
        if ended is not None:
            detail += f": {ended.describe()}"
        problems.add(ProblemKind.MISSING_SHARD, f"shard {index}/{shard_total}", detail)


def _shard_exit(results_dir: Path | None, index: int) -> ShardExit | None:
    if results_dir is None or not results_dir.is_dir():
        return None
    for path in [exit_path(results_dir, index), *results_dir.glob(f"*/shard-{index}.exit.json")]:
        ended = ShardExit.read(path)
        if ended is not None:
            return ended
    return None
