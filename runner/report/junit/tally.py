"""One result file's share of the merge: counts, failures and test identities, read in one pass.

Identities are exact node-id strings (no hashes), and only pytest's are checked: pytest gives every
test a unique node id, so a repeat is a test reported twice; other producers legitimately repeat
names (mocha tests sharing a title, Gradle's `[1]` rows of two parametrized methods in one class).
The run's identities live in one dict, node id -> index of the file that reported it first, so a
duplicate names both places; the durations map shares its key strings.

The per-test work is the hot path of the whole report, so it is done a chunk of records at a time:
node ids come from one comprehension, and the duplicate check is dict/set algebra in C for the
common chunk that repeats nothing (a chunk that does is re-checked one record at a time, so the
problems keep their order). Only records that are not a plain single pass get a second look.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from itertools import compress, repeat
from pathlib import Path

from runner.report.junit.formats.base import FileScan, ReadOptions
from runner.report.junit.location import locate
from runner.report.junit.model import NO_DETAIL, CaseRecord, Counts, FailureDetail, Outcome, ResultFormat
from runner.report.junit.nodeid import NodeIdResolver, display_id
from runner.report.junit.parser import iter_case_batches
from runner.shards.slices import PlanSlice

# Duplicate and unplanned names kept per file (the merge's default problem limit); the rest are counted.
MAX_NAMES_KEPT = 500

_PASSED, _FAILED, _SKIPPED = Outcome.PASSED, Outcome.FAILED, Outcome.SKIPPED
# Field readers for C-level passes over a chunk (map/compress instead of a Python loop per test).
_DETAIL, _ATTEMPTS, _SECONDS = (operator.attrgetter(field) for field in ("detail", "attempts", "seconds"))


@dataclass
class FileTally:
    """One file's share, folded into the run only once the whole file has been read."""

    read_seconds: bool = True
    counts: Counts = field(default_factory=Counts)
    # Node ids this file reported first (in file order): taken back out of the run's identities if
    # the file turns out unreadable half-way, and what the plan check reads.
    added: list[str] = field(default_factory=list)
    failures: list[FailureDetail] = field(default_factory=list)
    failures_seen: int = 0
    # Repeats: every one in `repeated` (rare), the first MAX_NAMES_KEPT in order in `duplicates`.
    duplicates: list[str] = field(default_factory=list)
    duplicates_count: int = 0
    repeated: set[str] = field(default_factory=set)
    # Names kept up to the problem limit, the rest only counted: a wrong plan can make every test
    # "unplanned", and a million names is exactly what the merge avoids holding.
    unplanned: list[str] = field(default_factory=list)
    unplanned_count: int = 0


def tally_file(
    path: Path,
    resolver: NodeIdResolver,
    scan: FileScan,
    tally: FileTally,
    seen: dict[str, float | None],
    plan: PlanSlice | None,
    failure_room: int,
) -> None:
    """Fill `tally` from `path`, adding its new node ids to `seen` (node id -> seconds, None when
    unknown or not collected); raises JUnitReadError on a bad file, after which the caller takes
    `tally.added` back out."""
    read_seconds = tally.read_seconds
    planned = set(plan.nodeids) if plan is not None else None
    options = ReadOptions(read_seconds=read_seconds)
    cases = failed = errors = skipped = flaky = 0
    for batch in iter_case_batches(path, scan, options):
        cases += len(batch)
        nodeids: list[str] | None = None
        if scan.pytest_output or planned is not None:
            nodeids = resolver.resolve_all(batch, scan.pytest_output)
            if read_seconds:
                fresh = dict(zip(nodeids, map(_SECONDS, batch), strict=True))
            else:
                fresh = dict.fromkeys(nodeids)
            if len(fresh) == len(nodeids) and fresh.keys().isdisjoint(seen.keys()):
                seen.update(fresh)  # no test of this chunk was seen before: nothing to add up
                tally.added += nodeids
            else:
                _note_one_by_one(batch, nodeids, tally, seen)
            if planned is not None and not planned.issuperset(fresh):
                _note_unplanned(nodeids, tally, planned)
        # Most records are a plain single pass; only the others are looked at one by one. (Every
        # reader gives a test that did not pass a detail, so NO_DETAIL means passed.)
        notable = map(operator.or_, map(operator.is_not, map(_DETAIL, batch), repeat(NO_DETAIL)),
                      map(operator.ne, map(_ATTEMPTS, batch), repeat(1)))  # fmt: skip
        for index in compress(range(len(batch)), notable):
            record = batch[index]
            outcome = record.outcome
            if outcome is _PASSED:
                if record.attempts > 1 or record.detail.retries:
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
                nodeid = nodeids[index] if nodeids is not None else display_id(record.classname, record.name)
                tally.failures.append(_failure(record, nodeid, path.name, scan))
    tally.counts = Counts(cases - failed - errors - skipped, failed, errors, skipped, flaky)


def _note_one_by_one(
    batch: list[CaseRecord], nodeids: list[str], tally: FileTally, seen: dict[str, float | None]
) -> None:
    read_seconds = tally.read_seconds
    for record, nodeid in zip(batch, nodeids, strict=True):
        seconds = record.seconds if read_seconds else None
        if nodeid not in seen:
            seen[nodeid] = seconds
            tally.added.append(nodeid)
            continue
        tally.repeated.add(nodeid)
        tally.duplicates_count += 1
        if len(tally.duplicates) < MAX_NAMES_KEPT:
            tally.duplicates.append(nodeid)
        previous = seen[nodeid]
        if seconds is not None and (previous is None or seconds > previous):
            seen[nodeid] = seconds  # a test in several places keeps its longest time


def _note_unplanned(nodeids: list[str], tally: FileTally, planned: set[str]) -> None:
    for nodeid in nodeids:
        if nodeid not in planned:
            tally.unplanned_count += 1
            if len(tally.unplanned) < MAX_NAMES_KEPT:
                tally.unplanned.append(nodeid)


def _failure(record: CaseRecord, nodeid: str, source: str, scan: FileScan) -> FailureDetail:
    detail = record.detail
    file, line, file_source = locate(detail.text, nodeid, record.file, record.line)
    return FailureDetail(
        nodeid=nodeid,
        outcome=record.outcome,
        message=detail.message,
        text=detail.text,
        failure_type=detail.result_type,
        source=source,
        file=file,
        line=line,
        properties=detail.properties,
        attempts=record.attempts + detail.retries,
        output=detail.output,
        file_source=file_source,
        result_format=scan.result_format or ResultFormat.JUNIT,
        from_pytest=scan.pytest_output,
    )
