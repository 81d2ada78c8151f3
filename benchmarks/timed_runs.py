"""The benchmarks' subprocesses, timed: each benchmark script's last JSON line, the CLI's start-up, and
`run --local` on the example app phase by phase, from the moment each progress line arrives."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
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
