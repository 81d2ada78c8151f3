"""One result file's share of the merge: counts, failures and test identities, read in one pass.

Identities are 64-bit string hashes: 1,000,000 tests collide with odds of about 3 in 10^8,
for a fraction of the memory the node-id strings would take.

The per-testcase work is the hot path of the whole report, so it is done a chunk of records at a
time: node ids come from one comprehension, their hashes from `map`, and the duplicate check is
set algebra in C for the common chunk that repeats nothing (a chunk that does is re-checked one
record at a time, so the problems keep their order). Only records that are not a plain single pass
get a second look in Python. One set holds the run's identities; a file's own are a list of what it
added, several times smaller than a set of them and enough to take an unreadable file back out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from runner.junit.location import locate
from runner.junit.model import NO_DETAIL, CaseRecord, Counts, FailureDetail, Outcome
from runner.junit.nodeid import NodeIdResolver
from runner.junit.parser import FileScan, iter_case_batches
from runner.junit.plans import ShardPlan

# Duplicate and unplanned names kept per file (the merge's default problem limit); the rest are counted.
MAX_NAMES_KEPT = 500

_PASSED, _FAILED, _SKIPPED = Outcome.PASSED, Outcome.FAILED, Outcome.SKIPPED


@dataclass
class FileTally:
    """One file's share, folded into the run only once the whole file has been read."""

    counts: Counts = field(default_factory=Counts)
    # Identities this file added to the run's set (in file order): what the plan check reads, and
    # what comes back out of the set if the file turns out unreadable half-way.
    added: list[int] = field(default_factory=list)
    durations: dict[str, float] | None = None
    failures: list[FailureDetail] = field(default_factory=list)
    failures_seen: int = 0
    # Names kept up to the problem limit, the rest only counted: a wrong plan can make every test
    # "unplanned", and a million names is exactly what the merge avoids holding.
    duplicates: list[str] = field(default_factory=list)
    duplicates_count: int = 0
    unplanned: list[str] = field(default_factory=list)
    unplanned_count: int = 0


def tally_file(
    path: Path,
    resolver: NodeIdResolver,
    scan: FileScan,
    tally: FileTally,
    seen: set[int],
    plan: ShardPlan | None,
    failure_room: int,
) -> None:
    """Fill `tally` from `path`, adding new identities to `seen` (the run's, listed in `tally.added`);
    raises JUnitReadError on a bad file, after which the caller takes `tally.added` back out."""
    durations = tally.durations
    planned = {hash(nodeid) for nodeid in plan.nodeids} if plan is not None else None
    cases = failed = errors = skipped = flaky = 0
    for batch in iter_case_batches(path, scan, read_seconds=durations is not None):
        cases += len(batch)
        nodeids = resolver.resolve_all(batch, scan.pytest_output)
        keys = list(map(hash, nodeids))
        fresh = set(keys)
        if len(fresh) == len(keys) and fresh.isdisjoint(seen):
            # No test of this chunk was seen before: no duplicate, and no duration to add up.
            seen.update(fresh)
            tally.added += keys
            if durations is not None:
                durations.update(zip(nodeids, [0.0 + record[4] for record in batch], strict=True))
        else:
            _note_one_by_one(batch, nodeids, keys, tally, seen)
        if planned is not None and not planned.issuperset(fresh):
            _note_unplanned(keys, nodeids, tally, planned)
        # Most records are a plain single pass; only the others are looked at one by one.
        for index in [
            index
            for index, record in enumerate(batch)
            if record[5] is not _PASSED or record[7] != 1 or record[6] is not NO_DETAIL
        ]:
            record = batch[index]
            outcome = record[5]
            if outcome is _PASSED:
                if record[7] > 1 or record[6].flaky_attempts:
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
                tally.failures.append(_failure(record, nodeids[index], path.name))
    tally.counts = Counts(cases - failed - errors - skipped, failed, errors, skipped, flaky)


def _note_one_by_one(
    batch: list[CaseRecord], nodeids: list[str], keys: list[int], tally: FileTally, seen: set[int]
) -> None:
    durations = tally.durations
    for record, nodeid, key in zip(batch, nodeids, keys, strict=True):
        if key in seen:
            tally.duplicates_count += 1
            if len(tally.duplicates) < MAX_NAMES_KEPT:
                tally.duplicates.append(nodeid)
        else:
            seen.add(key)
            tally.added.append(key)
        if durations is not None:
            durations[nodeid] = durations.get(nodeid, 0.0) + record[4]


def _note_unplanned(keys: list[int], nodeids: list[str], tally: FileTally, planned: set[int]) -> None:
    for key, nodeid in zip(keys, nodeids, strict=True):
        if key not in planned:
            tally.unplanned_count += 1
            if len(tally.unplanned) < MAX_NAMES_KEPT:
                tally.unplanned.append(nodeid)


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
        output=detail.output,
    )
