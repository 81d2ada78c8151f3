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
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
EXAMPLE_APP = ROOT / "stacks" / "example"
CLI = Path(sys.executable).parent / "serverless-pr-test"

# Which progress line of `run` starts which phase
# (runner/run/local_run.py, runner/deploy/deployer.py, runner/gha.py).
PHASE_MARKERS = (
    ("endpoint", re.compile(r"^Local AWS endpoint on ")),
    ("synth", re.compile(r"^Synthesizing ")),
    ("bootstrap", re.compile(r"^Bootstrapping the local endpoint")),
    ("deploy", re.compile(r"^Deploying \d+ stack")),
    ("tests", re.compile(r"^==> Test")),
    ("report", re.compile(r"^==> Report")),
    ("destroy", re.compile(r"^==> Destroy")),
)
END_MARKER = re.compile(r"^destroyed \d+ stack\(s\)")


@dataclass(frozen=True)
class FlowRun:
    shards: int
    exit_code: int
    wall_seconds: float
    phases: dict[str, float]
    tests_passed: int | None


def last_json(output: str) -> dict[str, Any]:
    for line in reversed(output.strip().splitlines()):
        if line.startswith("{"):
            parsed: dict[str, Any] = json.loads(line)
            return parsed
    raise SystemExit(f"no JSON line in:\n{output[-2000:]}")


def run_script(name: str, *args: str) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / name), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{name} failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    return last_json(completed.stdout), seconds


def median_seconds(command: list[str], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def cli_startup(runs: int) -> dict[str, float]:
    help_seconds = median_seconds([str(CLI), "--help"], runs)
    baseline = median_seconds([sys.executable, "-c", "pass"], runs)
    return {
        "help_ms": round(help_seconds * 1000, 1),
        "python_pass_ms": round(baseline * 1000, 1),
        "help_over_python_pass": round(help_seconds / baseline, 2),
    }


def local_flow(work_dir: Path, shards: int) -> FlowRun:
    """`run --local` on the example app, each output line timestamped as it arrives."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "SPT_", "AWS_"))}
    env["PYTHONUNBUFFERED"] = "1"  # lines must arrive when printed, not when a buffer fills
    command = [
        str(CLI),
        "run",
        "--local",
        str(EXAMPLE_APP),
        "--work-dir",
        str(work_dir),
        "--shards",
        str(shards),
    ]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=work_dir.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    starts: dict[str, float] = {}
    ended: float | None = None
    lines: list[str] = []
    for line in process.stdout:
        now = time.perf_counter() - started
        lines.append(line)
        for phase, marker in PHASE_MARKERS:
            if phase not in starts and marker.search(line):
                starts[phase] = now
        if ended is None and END_MARKER.search(line):
            ended = now
    exit_code = process.wait()
    wall = time.perf_counter() - started
    if exit_code != 0:
        raise SystemExit(f"run --local --shards {shards} failed (exit {exit_code}):\n{''.join(lines[-60:])}")
    order = sorted(starts.items(), key=lambda item: item[1])
    boundaries = [*(moment for _, moment in order[1:]), ended if ended is not None else wall]
    phases = {phase: round(end - begin, 2) for (phase, begin), end in zip(order, boundaries, strict=True)}
    phases["start_up"] = round(order[0][1], 2) if order else 0.0
    phases["stop"] = round(wall - (ended if ended is not None else wall), 2)
    passed = re.search(r"^=+ (\d+) passed", "".join(lines), re.MULTILINE)
    return FlowRun(shards, exit_code, round(wall, 2), phases, int(passed.group(1)) if passed else None)


def print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


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


def goals(result: dict[str, Any]) -> dict[str, bool]:
    sharding = result["sharding"]
    with_durations = {name: row for name, row in sharding.items() if not name.startswith("lognormal_20pct")}
    polling = result["polling"]
    junit = result["junit"]
    met = {
        # issue 3: max/mean imbalance <= 1.03 with durations, never worse than pytest-split. Where one
        # test outlasts a fair share (50 shards of a suite with a few long tests) even a perfect
        # split cannot reach 1.03: there the bound is the best possible split, printed beside it.
        "sharding_imbalance_at_most_1_03_or_best_possible_with_durations": all(
            row["ours"] <= max(1.03, row["best_possible"]) + 1e-4 for row in with_durations.values()
        ),
        "sharding_never_worse_than_pytest_split": all(row["never_worse"] for row in sharding.values()),
    }
    # issue 3: wait/true latency within 1.1x + 50 ms and at most 1/5 the calls of 500 ms polling, on
    # the headline (wide) latency distribution; on each narrow profile the latency bound holds too,
    # and the calls are at most 1/5 or the floor (one call), whichever is higher, as polling.py prints.
    headline = polling["mixed_median_2s_wide"]["goal_met_by_wait_for"]
    met["polling_within_1_1x_plus_50ms"] = headline["ratio_within_1_1x_plus_50ms"]
    met["polling_at_most_one_fifth_the_calls"] = headline["calls_at_most_one_fifth"]
    for profile, row in sorted(polling.items()):
        met[f"polling_{profile}_within_1_1x_plus_50ms"] = row["goal_met_by_wait_for"][
            "ratio_within_1_1x_plus_50ms"
        ]
        met[f"polling_{profile}_calls_at_most_one_fifth_or_the_floor"] = row["goal_met_by_wait_for"][
            "calls_at_most_one_fifth_or_the_floor"
        ]
    met.update(
        {
            # issue 16: the report path >= 2x faster and <= 1/3 the memory of junitparser's best case
            "junit_at_least_2x_faster": junit["speedup"] >= 2,
            "junit_at_most_one_third_the_memory": junit["memory_ratio"] <= 1 / 3,
            # issue 2: --help well under a second
            "cli_help_under_one_second": result["cli_startup"]["help_ms"] < 1000,
            # issue 10: no Lambda worker outlives its function or the engine
            "local_engine_no_worker_left": result["local_engine"]["workers_after_delete"] == 0
            and result["local_engine"]["workers_after_stop"] == 0,
        }
    )
    flow = result.get("local_flow")
    if flow is not None:
        met["local_flow_at_most_60s"] = flow["wall_seconds"] <= 60  # issue 2
        met["shards_4_faster_than_shards_1"] = flow["shards_4_seconds"] < flow["shards_1_seconds"]  # issue 3
    return met


def table_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for name, row in sorted(result["sharding"].items()):
        rows.append((f"sharding {name} imbalance", f"ours {row['ours']}  pytest-split {row['pytest_split']}"))
    for profile, row in sorted(result["polling"].items()):
        ours = row["wait_for"]
        rows.append(
            (
                f"polling {profile}",
                f"wait_for p95 ratio {ours['p95_ratio']}, "
                f"calls vs 500 ms polling {ours['calls_vs_poll_500ms']} "
                f"(floor {row['floor_calls_vs_poll_500ms']['any_strategy']})",
            )
        )
    junit = result["junit"]
    rows.append(
        (
            f"junit {junit['testcases']} testcases",
            f"report {junit['report_seconds']} s / {junit['report_peak_mib']} MiB, junitparser best case "
            f"{junit['junitparser_best_case_seconds']} s / {junit['junitparser_best_case_peak_mib']} MiB "
            f"(x{junit['speedup']} faster, memory ratio {junit['memory_ratio']})",
        )
    )
    engine = result["local_engine"]
    rows.append(
        (
            "local engine invoke",
            f"python warm {engine['python_warm_p50_ms']} ms, cold x{engine['python_cold_over_warm']}; "
            f"workers left {engine['workers_after_stop']}",
        )
    )
    startup = result["cli_startup"]
    rows.append(
        (
            "cli start-up",
            f"--help {startup['help_ms']} ms vs python -c pass {startup['python_pass_ms']} ms "
            f"(x{startup['help_over_python_pass']})",
        )
    )
    flow = result.get("local_flow")
    if flow is not None:
        phases = ", ".join(f"{name} {value}s" for name, value in flow["phases_seconds"].items())
        rows.append(("run --local stacks/example", f"{flow['wall_seconds']} s: {phases}"))
        rows.append(
            (
                "run --local --shards 4 vs 1",
                f"{flow['shards_4_seconds']} s vs {flow['shards_1_seconds']} s "
                f"(ratio {flow['shards_4_over_shards_1']}; tests phase ratio {flow['tests_4_over_tests_1']})",
            )
        )
        rows.append(
            (
                "run --local --shards 2 vs 1",
                f"{flow['shards_2_seconds']} s vs {flow['shards_1_seconds']} s "
                f"(ratio {flow['shards_2_over_shards_1']})",
            )
        )
    for goal, held in result["goals"].items():
        rows.append((f"goal {goal}", "holds" if held else "MISSED"))
    rows.append(("total", f"{result['total_seconds']} s"))
    return rows


if __name__ == "__main__":
    main()
