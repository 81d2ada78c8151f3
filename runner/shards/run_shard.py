"""Run one shard of the app's tests: pytest in a subprocess with the stack outputs in its environment,
the plugin selecting this shard's tests, JUnit and the plan slice written to the results directory.

`run_shard` is the unit `test --shard i/N` runs and `run --shards N` starts N of, in parallel.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from runner import gha
from runner.aws import retry_environment
from runner.child_env import scrubbed_environment
from runner.errors import ConfigError
from runner.record import DeploymentRecord
from runner.shards.plan import GroupBy, ShardSpec
from runner.shards.shard_exit import ShardExit, exit_path, progress_path, running_test
from runner.shards.slices import PlanSlice, junit_path, slice_path
from runner.shards.test_env import environment_for_tests

# pytest's own codes that still mean "the tests ran and reported" (1: some failed).
_RAN = (0, 1)


@dataclass(frozen=True)
class ShardRequest:
    """Everything one shard needs. Paths may be relative to the current directory."""

    shard: ShardSpec
    app_dir: Path
    results_dir: Path
    tests: str = "tests"
    record_file: Path | None = None
    durations_file: Path | None = None
    group_by: GroupBy = GroupBy.NONE
    pytest_args: tuple[str, ...] = ()
    run_id: str | None = None
    log_file: Path | None = None  # None: pytest writes to this process's stdout
    # With a log file: also echo each line to stdout as it arrives, after this prefix (parallel shards).
    live_prefix: str | None = None
    env: Mapping[str, str] | None = field(default=None, repr=False)  # None: os.environ


@dataclass(frozen=True)
class ShardResult:
    shard: ShardSpec
    exit_code: int
    junit_file: Path
    plan_file: Path
    seconds: float
    planned_tests: int | None  # None when pytest stopped before planning (usage or collection error)
    log_file: Path | None = None

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    @property
    def reported(self) -> bool:
        """True when the tests ran and the JUnit file is there, passed or not."""
        return self.exit_code in _RAN and self.junit_file.is_file()

    def summary(self) -> str:
        planned = "?" if self.planned_tests is None else str(self.planned_tests)
        verdict = {0: "passed", 1: "tests failed"}.get(self.exit_code, f"pytest exit {self.exit_code}")
        return f"shard {self.shard}: {planned} test(s), {verdict} in {self.seconds:.1f}s"

    def files(self) -> str:
        """What the shard left for the report: only files that exist are named."""
        if self.junit_file.is_file():
            plan = f"  plan: {self.plan_file}" if self.plan_file.is_file() else ""
            return f"JUnit: {self.junit_file}{plan}"
        ended = ShardExit.read(exit_path(self.junit_file.parent, self.shard.index))
        return f"No JUnit file: {ended.describe() if ended else 'pytest wrote none'}"


def run_shard(request: ShardRequest) -> ShardResult:
    """Blocking; safe to call from several threads or processes at once (no shared files)."""
    app_dir = request.app_dir.resolve()
    if not app_dir.is_dir():
        raise ConfigError(f"app directory {app_dir} does not exist")
    tests_path = app_dir / request.tests
    if not tests_path.exists():
        raise ConfigError(f"test path {tests_path} does not exist (set --tests)")
    results_dir = request.results_dir.resolve()
    results_dir.mkdir(parents=True, exist_ok=True)
    junit_file = junit_path(results_dir, request.shard)
    plan_file = slice_path(results_dir, request.shard)
    progress_file = progress_path(results_dir, request.shard.index)
    exit_file = exit_path(results_dir, request.shard.index)
    for stale in (junit_file, plan_file, progress_file, exit_file):
        stale.unlink(missing_ok=True)

    env = shard_environment(request, results_dir)
    command = [
        sys.executable, "-m", "pytest", str(tests_path),
        "--rootdir", str(app_dir),
        "-p", "serverless_pr_test",
        f"--junitxml={junit_file}", "-o", "junit_family=xunit2",
        "--spt-shard", str(request.shard),
        "--spt-plan-out", str(plan_file),
        "--spt-group-by", request.group_by.value,
        "--spt-progress-out", str(progress_file),
    ]  # fmt: skip
    if request.durations_file is not None:
        command += ["--spt-durations", str(request.durations_file.resolve())]
    if request.record_file is not None:
        command += ["--spt-record", str(request.record_file.resolve())]
    command += list(request.pytest_args)

    started = time.monotonic()
    if request.log_file is not None:
        request.log_file.parent.mkdir(parents=True, exist_ok=True)
        with request.log_file.open("w", encoding="utf-8") as log:
            if request.live_prefix is None:
                exit_code = subprocess.run(
                    command, cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT
                ).returncode
            else:
                exit_code = _run_echoing(command, app_dir, env, log, request.live_prefix)
    else:
        sys.stdout.flush()
        # pytest prints test names, messages and captured output: data, never workflow commands.
        # Its stderr joins stdout so the one block around it covers both.
        with gha.untrusted_output():
            exit_code = subprocess.run(
                command, cwd=app_dir, env=env, stderr=subprocess.STDOUT, check=False
            ).returncode
    seconds = time.monotonic() - started
    if not junit_file.is_file():
        # Killed or crashed: say how, and which test was running, for the report to name.
        ShardExit(request.shard.index, exit_code, running_test(progress_file)).write(exit_file)
    progress_file.unlink(missing_ok=True)
    planned = PlanSlice.read(plan_file).nodeids if plan_file.is_file() else None
    return ShardResult(
        shard=request.shard,
        exit_code=exit_code,
        junit_file=junit_file,
        plan_file=plan_file,
        seconds=seconds,
        planned_tests=None if planned is None else len(planned),
        log_file=request.log_file,
    )


_ECHO_LOCK = threading.Lock()  # whole lines: parallel shards never interleave inside one


def _run_echoing(command: list[str], cwd: Path, env: dict[str, str], log: TextIO, prefix: str) -> int:
    """pytest with its lines going to `log` and, prefixed, to stdout as they happen."""
    # A pipe makes Python buffer whole blocks: unbuffered, each line leaves pytest as it is written.
    process = subprocess.Popen(
        command, cwd=cwd, env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, bufsize=1, errors="replace",
    )  # fmt: skip
    assert process.stdout is not None
    try:
        for line in process.stdout:
            log.write(line)
            with _ECHO_LOCK:
                sys.stdout.write(f"{prefix}{line.rstrip()}\n")
                sys.stdout.flush()
    finally:
        if process.poll() is None and sys.exc_info()[0] is not None:
            process.terminate()
        code = process.wait()
    return code


def shard_environment(request: ShardRequest, results_dir: Path) -> dict[str, str]:
    """The caller's environment plus the stack outputs (SPT_OUTPUT_*, SPT_OUTPUTS_FILE), SPT_SHARD and
    SPT_RUN_ID: the caller's if set, else the record's with a fresh suffix so repeated test runs
    against one deployment never reuse data keys. The tests are PR code: no GitHub credential
    reaches them (runner.child_env)."""
    env = scrubbed_environment(os.environ if request.env is None else request.env)
    caller_run_id = request.run_id or env.get("SPT_RUN_ID")
    if request.record_file is not None:
        record_file = request.record_file.resolve()
        record = DeploymentRecord.read(record_file)
        outputs_file = results_dir / f"shard-{request.shard.index}.outputs.json"
        env.update(environment_for_tests(record, record_file, outputs_file))
        env["SPT_RUN_ID"] = caller_run_id or f"{record.run_id}-{secrets.token_hex(3)}"
    elif caller_run_id:
        env["SPT_RUN_ID"] = caller_run_id
    env["SPT_SHARD"] = str(request.shard)
    for name, value in retry_environment().items():  # the tests' boto3 clients: patient retries
        env.setdefault(name, value)
    return env


def default_record_file(env: Mapping[str, str], work_dir: Path) -> Path | None:
    """SPT_RECORD_FILE, else the record `deploy` writes in its work dir, when either exists."""
    explicit = env.get("SPT_RECORD_FILE")
    if explicit:
        return Path(explicit)
    candidate = work_dir / "deployment.json"
    return candidate if candidate.is_file() else None


def summarize(results: Sequence[ShardResult]) -> str:
    return "\n".join(result.summary() for result in sorted(results, key=lambda r: r.shard.index))
