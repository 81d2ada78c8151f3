"""The inner loop on the example app (a temporary copy), measured in one run:

1. a cold `run --local` (its own fresh engine: start, bootstrap, synth, deploy, tests, destroy);
2. `dev` on an engine left running (like `serverless-pr-test local`), then three edits, each timed
   from the file write until the loop reports the tests green again:
   a test edit (a test added to a test file), a handler edit (a line added to a file of a Lambda
   code directory) and an infrastructure edit (a function's memory size changed, else a line added
   to app.py), each as a ratio to the cold run;
3. what is left at exit: stacks on the engine, its Lambda workers, and processes of the run.

    python benchmarks/inner_loop.py [--app stacks/example] [--shards 1]

Prints a table, then one JSON line. Aim: test edit <= 0.1 of the cold run, handler edit <= 0.2,
nothing left.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from runner.aws import AwsTarget
from runner.dev.assets import code_assets
from runner.dev.changes import is_test_file
from runner.dev.sources import IGNORED_DIRECTORIES, source_files
from runner.local import LocalEndpoint
from runner.local.delivery import DeliveryLatency

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).parent / "serverless-pr-test"
CYCLE = re.compile(r"^cycle (\d+): (.*) -> (.*); ([\d.]+) s$")
TIMEOUT = 600.0
GOALS = {"test_edit": 0.1, "handler_edit": 0.2}


def clean_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "SPT_", "AWS_"))}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cold_run(app: Path, work: Path) -> float:
    """An explicit port: a fresh engine even when `serverless-pr-test local` runs on 4566."""
    command = [str(CLI), "run", "--local", str(app), "--port", str(free_port()), "--work-dir", str(work)]
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=app.parent, env=clean_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"cold run failed (exit {completed.returncode}):\n{completed.stdout[-4000:]}")
    return seconds


class DevSession:
    """`dev` as a subprocess whose lines are read as they arrive."""

    def __init__(self, app: Path, work: Path, endpoint_url: str, shards: int) -> None:
        command = [str(CLI), "dev", str(app), "--endpoint-url", endpoint_url, "--work-dir", str(work),
                   "--max-cycles", "3", "--idle-timeout", str(TIMEOUT), "--shards", str(shards)]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=app.parent,
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def next_match(self, pattern: re.Pattern[str]) -> re.Match[str]:
        deadline = time.monotonic() + TIMEOUT
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            if match := pattern.search(line):
                return match
        raise SystemExit(f"dev never printed {pattern.pattern!r}:\n" + "\n".join(self.lines[-60:]))

    def cycle(self) -> tuple[float, str, str]:
        """(seconds since the call, what changed, what was done) of the next cycle, which must pass."""
        started = time.perf_counter()
        match = self.next_match(CYCLE)
        if "passed" not in match.group(3) or "failed" in match.group(3):
            raise SystemExit(f"cycle {match.group(1)} was not green: {match.group(0)}")
        self.next_match(re.compile(r"^(Watching |No change|destroyed)"))  # the loop is ready again
        return time.perf_counter() - started, match.group(2), match.group(3)


def edit_test(app: Path) -> str:
    target = next(path for path in sorted((app / "tests").rglob("*.py")) if is_test_file(path))
    target.write_text(target.read_text() + "\n\ndef test_added_by_the_inner_loop_benchmark():\n    pass\n")
    return str(target.relative_to(app))


def edit_handler(app: Path, assembly: Path) -> str:
    asset = code_assets(assembly, app)[0]
    target = next(path for path in source_files(asset.source_dir) if path.suffix == ".py")
    target.write_text(target.read_text() + f"\n# edited by the inner-loop benchmark at {time.time()}\n")
    return str(target.relative_to(app))


def edit_infrastructure(app: Path, code_dirs: list[Path]) -> str:
    """A real template change where the app has one to make; else a synth-only change to app.py."""
    for path in source_files(app):
        if path.suffix != ".py" or any(path.is_relative_to(d) for d in [app / "tests", *code_dirs]):
            continue
        text = path.read_text()
        memory = re.search(r"memory_size=(\d+)", text)
        if memory:
            bigger = int(memory.group(1)) + 64
            path.write_text(text[: memory.start()] + f"memory_size={bigger}" + text[memory.end() :])
            return f"{path.relative_to(app)} (memory_size {memory.group(1)} -> {bigger})"
    (app / "app.py").write_text((app / "app.py").read_text() + "\n# edited by the inner-loop benchmark\n")
    return "app.py (a comment)"


def code_dirs(app: Path, work: Path) -> list[Path]:
    return [asset.source_dir for asset in code_assets(work / "cdk.out", app)]


def leftovers(endpoint: LocalEndpoint, run_pattern: str) -> dict[str, int]:
    stacks = AwsTarget(region=endpoint.region, endpoint_url=endpoint.url).client("cloudformation")
    live = [
        summary["StackName"]
        for summary in stacks.list_stacks()["StackSummaries"]
        if summary["StackStatus"] != "DELETE_COMPLETE" and summary["StackName"] != "CDKToolkit"
    ]
    workers = len(endpoint.worker_pids())
    endpoint.stop()
    return {
        "stacks_left": len(live),
        "engine_workers_left": workers,
        "processes_left": processes_of(run_pattern),
    }


def processes_of(pattern: str) -> int:
    """Live processes whose command line mentions this run's temporary directory or engine."""
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if pattern in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                    count += 1
            except OSError:
                continue
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", type=Path, default=ROOT / "stacks" / "example")
    parser.add_argument("--shards", type=int, default=1, help="dev's --shards for whole-suite reruns")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="spt-inner-loop-") as temporary:
        root = Path(temporary)
        app = root / args.app.resolve().name
        shutil.copytree(args.app, app, ignore=shutil.ignore_patterns(*IGNORED_DIRECTORIES, "cdk.out*"))
        cold = cold_run(app, root / "cold-work")
        endpoint = LocalEndpoint.start(delivery_latency=DeliveryLatency.AWS)
        work = root / "dev-work"
        session = DevSession(app, work, endpoint.url, args.shards)
        started = time.perf_counter()
        session.next_match(re.compile(r"^cycle 0: .* passed"))
        first = time.perf_counter() - started
        session.next_match(re.compile(r"^Watching "))
        edits: dict[str, dict[str, Any]] = {}
        for name, edit in (
            ("test_edit", lambda: edit_test(app)),
            ("handler_edit", lambda: edit_handler(app, work / "cdk.out")),
            ("infrastructure_edit", lambda: edit_infrastructure(app, code_dirs(app, work))),
        ):  # fmt: skip
            what = edit()
            seconds, change, action = session.cycle()
            edits[name] = {"edited": what, "change": change, "did": action, "seconds": round(seconds, 2),
                           "ratio_to_cold": round(seconds / cold, 3)}  # fmt: skip
        session.process.wait(timeout=TIMEOUT)
        left = leftovers(endpoint, temporary)
    result = {
        "cold_run_seconds": round(cold, 2),
        "dev_first_cycle_seconds": round(first, 2),
        "dev_shards": args.shards,
        "load_average_1m": os.getloadavg()[0],
        **edits,
        **left,
    }
    result["goals"] = {
        **{f"{name}<={limit}": edits[name]["ratio_to_cold"] <= limit for name, limit in GOALS.items()},
        "nothing_left": not any(left.values()),
    }
    rows = [("cold run --local", f"{cold:.1f} s"), ("dev: first deploy + tests", f"{first:.1f} s")]
    for name, edit in edits.items():
        rows.append(
            (name.replace("_", " "), f"{edit['seconds']:.1f} s  ({edit['ratio_to_cold']:.3f} of cold)")
        )
        rows.append(("  did", edit["did"]))
    rows += [(name.replace("_", " "), str(value)) for name, value in left.items()]
    rows.append(("load average (1 min)", f"{os.getloadavg()[0]:.1f}"))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
