"""Merge every shard's result file and prove each planned test reported exactly once.

Memory: one dict entry per pytest node id (the exact duplicate and plan checks: node id -> the file
that reported it first), at most `max_failures` failure details and `max_problems` problems (the
rest are counted), and, when asked for, the `{nodeid: seconds}` map that becomes the durations store
(sharing the node-id strings). A file that fails to parse, or is of no format the reader knows,
contributes nothing but its error entry, so a truncated file never half-counts.

Retries come only from explicit evidence (see runner/report/junit/formats/junit.py); the last attempt
counts and an earlier failed one makes a final pass flaky. Any other repeat of a pytest node id, in
one file or across files, is a duplicate, named with both places.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from runner.report.junit.completeness import (
    Problems,
    check_shards_present,
    compare_with_plan,
    planned_shard_count,
    read_plans,
)
from runner.report.junit.model import (
    Counts,
    FailureDetail,
    FileSummary,
    MergedResults,
    ProblemKind,
    SuiteTiming,
)
from runner.report.junit.nodeid import NodeIdResolver
from runner.report.junit.parser import FileScan, JUnitReadError, ReadOptions, iter_case_batches
from runner.report.junit.tally import MAX_NAMES_KEPT, FileTally, tally_file
from runner.shards.slices import shard_index_of

RESULT_SUFFIXES = (".xml", ".trx")

DEFAULT_MAX_FAILURES = 1_000
DEFAULT_MAX_PROBLEMS = MAX_NAMES_KEPT


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
    problems = Problems(max_problems)
    plans = read_plans(plan_files, problems)
    shard_total = planned_shard_count(plans, expected_shards, problems)
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
                compare_with_plan(plan, tally, _place(path), problems)
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
    check_shards_present(shard_total, summaries, plans, problems, results_dir)
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


def _check_declared_total(path: Path, scan: FileScan, counted: int, problems: Problems) -> None:
    """NUnit, xUnit.net and TRX record how many tests they hold; a difference is worth a warning."""
    declared = scan.declared_total
    if declared is not None and declared != counted:
        tests = "test" if declared == 1 else "tests"
        problems.add(
            ProblemKind.TOTALS_DISAGREE, _place(path), f"records {declared} {tests}, holds {counted}"
        )


def _name_duplicates(
    repeats: list[tuple[str, int]], xml_files: Sequence[Path], resolver: NodeIdResolver, problems: Problems
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
