"""The whole flow on one machine: endpoint -> deploy -> tests -> destroy, destroy guaranteed."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from runner.context import RunContext
from runner.errors import ConfigError, StoppedError
from runner.record import DeploymentRecord


class Terminated(Exception):
    """SIGTERM arrived: unwind like Ctrl-C so the `finally` that destroys the stacks runs."""


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    def handler(signal_number: int, frame: FrameType | None) -> None:
        raise Terminated(f"signal {signal_number}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class LocalRun:
    def __init__(self, args: argparse.Namespace, pytest_args: list[str]) -> None:
        self._args = args
        self._pytest_args = pytest_args
        self._app_dir: Path = args.app_dir.resolve()

    def execute(self) -> int:
        """The last line always says what is still deployed: printed on success, or the end of the
        error message (a failed or cancelled destroy, a signal) the CLI prints last."""
        started = time.monotonic()
        self._final_line = "Nothing is still deployed."
        try:
            with sigterm_unwinds():
                try:
                    exit_code = self._with_endpoint()
                except (KeyboardInterrupt, Terminated) as stop:
                    name = "SIGINT" if isinstance(stop, KeyboardInterrupt) else "SIGTERM"
                    code = 130 if isinstance(stop, KeyboardInterrupt) else 143
                    raise StoppedError(f"{name} stopped the run.\n{self._final_line}", code) from None
        finally:
            print(f"Total wall time: {time.monotonic() - started:.1f} s", flush=True)
        print(self._final_line, flush=True)
        return exit_code

    def _with_endpoint(self) -> int:
        args = self._args
        if not 0 <= args.port <= 65535:
            raise ConfigError(f"--port must be between 0 and 65535, got {args.port}")
        if args.local and not (args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")):
            from runner.dev.engine import local_engine

            # A running `serverless-pr-test local` on 4566 is reused (no start, no bootstrap).
            region = args.region or "us-east-1"
            with local_engine(args.port, region, args.delivery_latency) as (_, started):
                if started and args.keep:
                    print("Note: --keep needs an engine that outlives the run (`serverless-pr-test local`)")
                return self._deploy_test_destroy(embedded=started)
        return self._deploy_test_destroy(embedded=False)

    def _deploy_test_destroy(self, embedded: bool) -> int:
        from runner.cli.options import default_prefix, detect_context, target_from_args
        from runner.deploy.command import deploy_app, print_outputs
        from runner.deploy.deployer import choose_stack_name
        from runner.destroy.command import destroy_stacks
        from runner.destroy.destroyer import discover_stacks
        from runner.stacks import Stacks

        args = self._args
        if not (self._app_dir / args.tests).exists():  # checked before anything is deployed
            raise ConfigError(f"test path {self._app_dir / args.tests} does not exist (set --tests)")
        target = target_from_args(args)
        context = detect_context(args, self._app_dir)
        base = choose_stack_name(
            args.stack_name,
            default_prefix(args, self._app_dir),
            context.pr_number,
            allow_without_pr=target.is_local,
        )
        args.stack_name = base
        record: DeploymentRecord | None = None
        tests_exit = 1
        try:
            # Locally the synth dominates: reuse the previous one when the app's sources are unchanged.
            record = deploy_app(args, self._app_dir, context, target, reuse_synth=target.is_local)
            print_outputs(record)
            tests_exit = self._run_tests(record)
            # The cost estimate reads the live stacks, so the report comes before destroy.
            tests_exit = max(tests_exit, self._report(record, context))
        finally:
            # Runs on test failure, deploy failure, Ctrl-C and SIGTERM alike: nothing stays deployed
            # (but what --keep asked for, once deployed). A first SIGINT/SIGTERM here lets the
            # destroy finish, a second stops it; either way the error raised (or self._final_line)
            # says what is still deployed.
            kept = record is not None and args.keep
            if kept and record is not None:
                print(f"Kept {', '.join(record.stack_names)} (--keep) for the next run")
            names = (
                list(record.stack_names)
                if record
                else discover_stacks(
                    Stacks(target.client("cloudformation")), base, context.repository, context.pr_number
                )
            )
            if names and not kept:
                # This run's id: a stack a concurrent run for the PR deployed since is its own.
                run_id = record.run_id if record else context.run_id
                outcome = destroy_stacks(
                    target, context.repository, context.pr_number, names, run_id, base, embedded
                )
                print(outcome.summary())
                self._final_line = outcome.final_line
        return tests_exit

    def _run_tests(self, record: DeploymentRecord) -> int:
        """N shards of the app's tests as parallel pytest processes against the one deployment."""
        from concurrent.futures import ThreadPoolExecutor

        from runner import gha
        from runner.shards.plan import ShardSpec
        from runner.shards.run_shard import ShardRequest, run_shard, summarize

        shards: int = self._args.shards
        work_dir: Path = self._args.work_dir.resolve()
        results = work_dir / "results"
        if results.exists():  # a previous run's extra shards must not count in this report
            shutil.rmtree(results)
        durations = work_dir / "durations.json"
        requests = [
            ShardRequest(
                shard=ShardSpec(index, shards),
                app_dir=self._app_dir,
                results_dir=results,
                tests=self._args.tests,
                record_file=work_dir / "deployment.json",
                durations_file=durations if durations.is_file() else None,
                pytest_args=tuple(self._pytest_args),
                run_id=record.run_id,
                # One shard writes straight to the terminal; parallel shards get a log each, and
                # their lines appear as they happen, prefixed with the shard.
                log_file=None if shards == 1 else results / f"shard-{index}.log",
                live_prefix=None if shards == 1 else f"[{index}/{shards}] ",
            )
            for index in range(1, shards + 1)
        ]
        with gha.group(f"Test ({shards} shard{'s' if shards > 1 else ''})"):
            # Threads only wait on pytest subprocesses, so they run truly in parallel.
            with ThreadPoolExecutor(max_workers=shards) as pool:
                outcomes = list(pool.map(run_shard, requests))
            print(summarize(outcomes))
        return max((outcome.exit_code for outcome in outcomes), default=0)

    def _report(self, record: DeploymentRecord, context: RunContext) -> int:
        """Merged results and cost, shown in the terminal and written to report.md."""
        from runner import gha
        from runner.report import PublishOptions, ReportInputs, render_terminal, report_run

        work_dir: Path = self._args.work_dir.resolve()
        results = work_dir / "results"
        with gha.group("Report"):
            report, exit_code = report_run(
                ReportInputs(results, record=record, context=context, expected_shards=self._args.shards),
                PublishOptions(
                    results_dir=results,
                    output=Path("report.md").resolve(),
                    durations=work_dir / "durations.json",
                    comment=False,
                    tests_root=self._app_dir,
                ),
            )
            print(render_terminal(report))
            print(f"Report written to {Path('report.md').resolve()}")
        return exit_code
