"""Every benchmark in one command, each in its own subprocess, with the goals of issues 2-4 checked.

    python benchmarks/all.py [--junit-cases 1000000] [--junit-rounds 1] [--skip-flow]

- sharding.py, polling.py, junit.py, local_engine.py: their last JSON line, as they print it;
- CLI start-up: `serverless-pr-test --help` against `python -c pass` (median of several runs);
- the local full flow: `serverless-pr-test run --local stacks/example`, phases timed from the moment
  each of the runner's progress lines arrives (synth, bootstrap, deploy, tests, report, destroy);
- `run --local --shards 1` against `--shards 4` (and 2) on the same app, after a warm-up run,
  alternating for --flow-rounds rounds (the fastest of each counts).

Prints a table, then as its last line one JSON object with every figure, every ratio and, under
"goals", whether each goal holds. `SPT_BENCH_JUNIT_CASES` scales the JUnit benchmark (default: the
issue's 1,000,000 testcases).

timed_runs.py runs and times the subprocesses, goals.py checks the goals, summary_table.py prints
the table.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from goals import goals
from summary_table import print_table, table_rows
from timed_runs import FlowRun, cli_startup, local_flow, run_script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--junit-cases", type=int, default=int(os.environ.get("SPT_BENCH_JUNIT_CASES", "1000000"))
    )
    parser.add_argument("--junit-rounds", type=int, default=2, help="runs per JUnit side (fastest counts)")
    parser.add_argument("--startup-runs", type=int, default=7)
    parser.add_argument("--skip-flow", action="store_true", help="leave out the `run --local` flows")
    parser.add_argument(
        "--flow-rounds", type=int, default=2, help="alternating shards 1 / shards 4 rounds (fastest counts)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    result: dict[str, Any] = {}
    seconds: dict[str, float] = {}

    result["sharding"], seconds["sharding"] = run_script("sharding.py")
    result["polling"], seconds["polling"] = run_script("polling.py")
    result["junit"], seconds["junit"] = run_script(
        "junit.py", "--cases", str(args.junit_cases), "--rounds", str(args.junit_rounds)
    )
    result["local_engine"], seconds["local_engine"] = run_script("local_engine.py")
    result["cli_startup"] = cli_startup(args.startup_runs)
    flows: dict[str, FlowRun] = {}
    if not args.skip_flow:
        with tempfile.TemporaryDirectory(prefix="spt-bench-") as temporary:
            work = Path(temporary) / "work"
            # The first run warms the disk cache (CDK CLI, jsii) and records the test durations the
            # 4-shard runs balance by. Shards 1 and 4 then alternate for --flow-rounds rounds and the
            # fastest of each counts: synth alone varies by a second or more from run to run.
            flows["first"] = local_flow(work, 1)
            rounds: dict[int, list[FlowRun]] = {1: [], 4: []}
            for _ in range(args.flow_rounds):
                for shards in (1, 4):
                    rounds[shards].append(local_flow(work, shards))
            flows["shards_1"] = min(rounds[1], key=lambda flow: flow.wall_seconds)
            flows["shards_4"] = min(rounds[4], key=lambda flow: flow.wall_seconds)
            flows["shards_2"] = local_flow(work, 2)  # one process per core, for comparison
        result["local_flow"] = {
            "wall_seconds": flows["first"].wall_seconds,
            "phases_seconds": flows["first"].phases,
            "tests_passed": flows["first"].tests_passed,
            "delivery_latency": "aws (the default of run --local)",
            "flow_rounds": args.flow_rounds,
            "shards_1_all_seconds": [flow.wall_seconds for flow in rounds[1]],
            "shards_4_all_seconds": [flow.wall_seconds for flow in rounds[4]],
            "shards_1_seconds": flows["shards_1"].wall_seconds,
            "shards_1_phases_seconds": flows["shards_1"].phases,
            "shards_4_seconds": flows["shards_4"].wall_seconds,
            "shards_4_phases_seconds": flows["shards_4"].phases,
            "shards_4_over_shards_1": round(
                flows["shards_4"].wall_seconds / flows["shards_1"].wall_seconds, 3
            ),
            "shards_2_seconds": flows["shards_2"].wall_seconds,
            "shards_2_over_shards_1": round(
                flows["shards_2"].wall_seconds / flows["shards_1"].wall_seconds, 3
            ),
            "tests_4_over_tests_1": round(
                flows["shards_4"].phases.get("tests", 0)
                / max(flows["shards_1"].phases.get("tests", 1e-9), 1e-9),
                3,
            ),
        }
    result["benchmark_seconds"] = {name: round(value, 1) for name, value in seconds.items()}
    result["goals"] = goals(result)
    result["total_seconds"] = round(time.perf_counter() - started, 1)

    rows = table_rows(result)
    print_table(rows)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
