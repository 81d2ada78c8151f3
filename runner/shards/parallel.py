"""N shards of the app's tests as parallel pytest processes on this machine, against one deployment
(`run` and `dev`). Each shard plans the whole suite from the same recorded durations and keeps its own
slice, exactly as the matrix jobs of a PR workflow do."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from runner.shards.plan import ShardSpec
from runner.shards.run_shard import ShardRequest, ShardResult, run_shard

# Parallel pytest processes on one machine: 64 is already more than its cores.
MAX_LOCAL_SHARDS = 64


@dataclass(frozen=True)
class LocalSuite:
    app_dir: Path
    work_dir: Path  # holds deployment.json, durations.json and results/
    tests: str = "tests"
    shards: int = 1
    pytest_args: tuple[str, ...] = ()

    @property
    def results_dir(self) -> Path:
        return self.work_dir / "results"

    @property
    def durations_file(self) -> Path:
        return self.work_dir / "durations.json"


def run_local_suite(suite: LocalSuite, run_id: str | None = None) -> list[ShardResult]:
    shutil.rmtree(suite.results_dir, ignore_errors=True)  # a previous run's extra shards must not count
    durations = suite.durations_file
    requests = [
        ShardRequest(
            shard=ShardSpec(index, suite.shards),
            app_dir=suite.app_dir,
            results_dir=suite.results_dir,
            tests=suite.tests,
            record_file=suite.work_dir / "deployment.json",
            durations_file=durations if durations.is_file() else None,
            pytest_args=suite.pytest_args,
            run_id=run_id,
            # One shard writes straight to the terminal; parallel shards get a log each, and their
            # lines appear as they happen, prefixed with the shard.
            log_file=None if suite.shards == 1 else suite.results_dir / f"shard-{index}.log",
            live_prefix=None if suite.shards == 1 else f"[{index}/{suite.shards}] ",
        )
        for index in range(1, suite.shards + 1)
    ]
    # Threads only wait on pytest subprocesses, so the shards truly run in parallel.
    with ThreadPoolExecutor(max_workers=suite.shards) as pool:
        return list(pool.map(run_shard, requests))
