"""The checks that make a merge a proof: shard plans read and agreeing, every planned test reported
by its shard, every shard present (a crashed one named with how it ended)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from runner.errors import ConfigError
from runner.report.junit.model import FileSummary, Problem, ProblemKind
from runner.report.junit.tally import FileTally
from runner.shards.shard_exit import ShardExit, exit_path
from runner.shards.slices import PlanSlice


class Problems:
    """Problems kept up to a limit, every one counted by kind."""

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


def read_plans(plan_files: Iterable[Path], problems: Problems) -> dict[int, PlanSlice]:
    plans: dict[int, PlanSlice] = {}
    for path in plan_files:
        try:
            plan = PlanSlice.read(path)
        except ConfigError as error:
            problems.add(ProblemKind.UNREADABLE_FILE, path.name, str(error))
            continue
        plans[plan.shard.index] = plan
    return plans


def planned_shard_count(plans: dict[int, PlanSlice], expected: int | None, problems: Problems) -> int | None:
    totals = {plan.shard.count for plan in plans.values()}
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


def compare_with_plan(plan: PlanSlice, tally: FileTally, source: str, problems: Problems) -> None:
    shard = plan.shard.index
    reported = set(tally.added)
    for nodeid in plan.nodeids:
        if nodeid not in reported and nodeid not in tally.repeated:
            problems.add(
                ProblemKind.MISSING_TEST,
                nodeid,
                f"planned for shard {shard}, absent from {source}",
            )
    for nodeid in tally.unplanned:
        problems.add(ProblemKind.UNPLANNED_TEST, nodeid, f"in {source}, not in shard {shard}'s plan")
    problems.count_only(ProblemKind.UNPLANNED_TEST, tally.unplanned_count - len(tally.unplanned))


def check_shards_present(
    shard_total: int | None,
    summaries: list[FileSummary],
    plans: dict[int, PlanSlice],
    problems: Problems,
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
