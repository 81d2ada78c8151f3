"""The `report` command's results path against junitparser's best case, on 1,000,000 testcases in
8 files, in one run.

- `report`: what `report` runs: `merge_results` as `report` calls it (every pytest node id checked
  for duplicates, durations collected), then `save_durations` writing the durations store.
- `junitparser`: its best case, as the earlier benchmark called it: the files merged into one
  `JUnitXml` by appending each file's suites (no deep copy, unlike its README's `xml += ...`), then
  counting outcomes and keeping every failure's id and message; no durations store.
Both count the same tests, failures and skips (checked), and keep the same failure messages.

Each side runs in its own fresh subprocess, so its peak RSS (ru_maxrss) is its own; sides alternate
for `--rounds` rounds and the fastest run of each counts (a shared machine). Wall time and CPU time
(user + system, which other load on the machine disturbs less) are both printed, with a ratio each.

    python benchmarks/junit.py [--cases 1000000] [--files 8] [--rounds 2]

Last line: one JSON object with both times, both peak memories and the ratios (the aim: report at
least 2x faster and at most 1/3 the peak memory; reported, not asserted). `report_durations` is the
number of tests in the store it wrote.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FAILURE_RATE = 0.02
SKIP_RATE = 0.05


def generate(directory: Path, cases: int, files: int, seed: int = 7) -> None:
    """pytest-shaped xunit2 files: classes of parametrized tests, some failures with tracebacks."""
    rng = random.Random(seed)
    per_file = cases // files
    for index in range(1, files + 1):
        lines = [
            '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">',
            f'<testsuite name="pytest" errors="0" failures="0" skipped="0" tests="{per_file}" '
            f'time="{per_file * 0.01:.3f}" timestamp="2026-11-21T06:00:00+00:00" hostname="ci">',
        ]
        for case in range(per_file):
            module, klass, param = case // 5000, (case // 100) % 50, case % 100
            classname = f"tests.shard{index}.test_mod{module}.TestGroup{klass}"
            name = f"test_case[{param}-x]"
            seconds = rng.lognormvariate(-4, 1)
            roll = rng.random()
            if roll < FAILURE_RATE:
                body = (
                    '<failure message="AssertionError: expected 3 reservations, got 2">'
                    "def test_case(x):\n&gt;       assert reserved == 3\nE       AssertionError\n\n"
                    f"tests/shard{index}/test_mod{module}.py:{param + 10}: AssertionError</failure>"
                )
                lines.append(
                    f'<testcase classname="{classname}" name="{name}" time="{seconds:.4f}">{body}</testcase>'
                )
            elif roll < FAILURE_RATE + SKIP_RATE:
                lines.append(
                    f'<testcase classname="{classname}" name="{name}" time="{seconds:.4f}">'
                    '<skipped type="pytest.skip" message="needs a stream" /></testcase>'
                )
            else:
                lines.append(f'<testcase classname="{classname}" name="{name}" time="{seconds:.4f}" />')
        lines.append("</testsuite></testsuites>")
        (directory / f"shard-{index}.xml").write_text("\n".join(lines), encoding="utf-8")


def measure_report(directory: Path) -> dict[str, object]:
    from runner.report.junit import merge_results
    from runner.shards.durations import save_durations

    merged = merge_results(directory, max_failures=1_000_000, collect_durations=True)
    save_durations(directory.parent / "report-durations.json", merged.durations_by_nodeid)
    return {
        "tests": merged.counts.total,
        "failed": merged.counts.failed,
        "skipped": merged.counts.skipped,
        "failure_messages": len(merged.failures),
        "durations": len(merged.durations_by_nodeid),
    }


def measure_junitparser(directory: Path) -> dict[str, object]:
    from junitparser import Error, Failure, JUnitXml, Skipped

    merged = JUnitXml()
    for path in sorted(directory.glob("shard-*.xml")):
        for suite in JUnitXml.fromfile(str(path)):
            merged.add_testsuite(suite)
    tests = failed = skipped = 0
    failures: list[tuple[str, str]] = []
    for suite in merged:
        for case in suite:
            tests += 1
            for result in case.result:
                if isinstance(result, Failure | Error):
                    failed += 1
                    failures.append((f"{case.classname}::{case.name}", result.message or ""))
                elif isinstance(result, Skipped):
                    skipped += 1
    return {"tests": tests, "failed": failed, "skipped": skipped, "failure_messages": len(failures)}


def child(which: str, directory: Path) -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    outcome = measure_report(directory) if which == "report" else measure_junitparser(directory)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_mib": peak_kib / 1024, **outcome})
    )


def run_child(which: str, directory: Path) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", which, str(directory)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _fastest(results: list[dict[str, float]]) -> dict[str, float]:
    """The fastest run's figures (wall and CPU time each at their least); the peak memory is the
    highest seen (it does not vary with load)."""
    fastest = dict(min(results, key=lambda result: result["seconds"]))
    fastest["peak_mib"] = max(result["peak_mib"] for result in results)
    fastest["cpu_seconds"] = min(result["cpu_seconds"] for result in results)
    return fastest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="runs per side, interleaved; the fastest counts (shared machines)",
    )
    parser.add_argument("--child", nargs=2, metavar=("WHICH", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="junit-bench-") as temporary:
        directory = Path(temporary)
        started = time.perf_counter()
        generate(directory, args.cases, args.files)
        size_mib = sum(path.stat().st_size for path in directory.iterdir()) / 2**20
        print(
            f"generated {args.cases} testcases in {args.files} files ({size_mib:.0f} MiB) "
            f"in {time.perf_counter() - started:.1f}s",
            flush=True,
        )
        sides = ("report", "junitparser")
        runs: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
        for round_number in range(1, args.rounds + 1):
            for side in sides:
                runs[side].append(run_child(side, directory))
                print(f"round {round_number} {side:<12} {runs[side][-1]}", flush=True)
        ours, peer = (_fastest(runs[side]) for side in sides)
    same = ("tests", "failed", "skipped", "failure_messages")
    if any(ours[key] != peer[key] for key in same):
        raise SystemExit(f"results differ: report {ours} vs junitparser {peer}")
    print(
        json.dumps(
            {
                "testcases": args.cases,
                "files": args.files,
                "rounds": args.rounds,
                "report_seconds": round(ours["seconds"], 2),
                "junitparser_best_case_seconds": round(peer["seconds"], 2),
                "report_peak_mib": round(ours["peak_mib"], 1),
                "junitparser_best_case_peak_mib": round(peer["peak_mib"], 1),
                "report_cpu_seconds": round(ours["cpu_seconds"], 2),
                "junitparser_best_case_cpu_seconds": round(peer["cpu_seconds"], 2),
                "speedup": round(peer["seconds"] / ours["seconds"], 2),
                "speedup_cpu": round(peer["cpu_seconds"] / ours["cpu_seconds"], 2),
                "memory_ratio": round(ours["peak_mib"] / peer["peak_mib"], 3),
                "report_durations": ours["durations"],
            }
        )
    )


if __name__ == "__main__":
    main()
