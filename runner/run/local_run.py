"""The whole flow on one machine: endpoint -> deploy -> tests -> destroy, destroy guaranteed."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType

from runner import gha
from runner.aws import DEFAULT_REGION, TargetRequest, export_target, resolve_target
from runner.context import RunContext
from runner.deploy.stage import DeployRequest, deploy_app, print_outputs
from runner.destroy.destroyer import discover_stacks
from runner.destroy.stage import DestroyRequest, destroy_stacks
from runner.errors import ConfigError, StoppedError
from runner.local.engine_choice import local_engine
from runner.naming import StackNaming
from runner.record import DeploymentRecord
from runner.report import PublishOptions, ReportInputs, render_terminal, report_run
from runner.shards.parallel import LocalSuite, run_local_suite
from runner.shards.run_shard import summarize
from runner.stacks import Stacks


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


@dataclass(frozen=True)
class RunRequest:
    """`run`: deploy, test, report and destroy on one machine."""

    deploy: DeployRequest
    suite: LocalSuite
    target: TargetRequest
    pr: str | None = None  # `--pr`; else from GitHub's environment or git
    port: int = 0  # the embedded engine's (0: reuse one on 4566, or any free port)
    delivery_latency: str = "aws"
    keep: bool = False


class LocalRun:
    def __init__(self, request: RunRequest) -> None:
        self._request = request
        self._app_dir: Path = request.deploy.app_dir

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
        request = self._request
        wanted = request.target
        if wanted.local and not (wanted.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")):
            # A running `serverless-pr-test local` on 4566 is reused (no start, no bootstrap).
            region = wanted.region or DEFAULT_REGION
            with local_engine(request.port, region, request.delivery_latency) as (url, started):
                if started and request.keep:
                    print("Note: --keep needs an engine that outlives the run (`serverless-pr-test local`)")
                return self._deploy_test_destroy(replace(wanted, endpoint_url=url), embedded=started)
        return self._deploy_test_destroy(wanted, embedded=False)

    def _deploy_test_destroy(self, wanted: TargetRequest, embedded: bool) -> int:
        request = self._request
        tests = self._app_dir / request.suite.tests
        if not tests.exists():  # checked before anything is deployed
            raise ConfigError(f"test path {tests} does not exist (set --tests)")
        target = resolve_target(wanted, os.environ)
        export_target(target, os.environ, local=wanted.local)
        context = RunContext.detect(os.environ, self._app_dir, pr_override=request.pr)
        base = request.deploy.naming.base_name(context.pr_number, allow_without_pr=target.is_local)
        # Locally the synth dominates: reuse the previous one when the app's sources are unchanged.
        deploy = replace(
            request.deploy,
            naming=StackNaming(request.deploy.naming.prefix, base),
            reuse_synth=target.is_local,
        )
        record: DeploymentRecord | None = None
        tests_exit = 1
        try:
            record = deploy_app(deploy, context, target)
            print_outputs(record)
            tests_exit = self._run_tests(record)
            # The cost estimate reads the live stacks, so the report comes before destroy.
            tests_exit = max(tests_exit, self._report(record, context))
        finally:
            # Runs on test failure, deploy failure, Ctrl-C and SIGTERM alike: nothing stays deployed
            # (but what --keep asked for, once deployed). A first SIGINT/SIGTERM here lets the
            # destroy finish, a second stops it; either way the error raised (or self._final_line)
            # says what is still deployed.
            kept = record is not None and request.keep
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
                what = DestroyRequest(
                    context.repository, context.pr_number, tuple(names), run_id, base, embedded
                )
                outcome = destroy_stacks(what, target)
                print(outcome.summary())
                self._final_line = outcome.final_line
        return tests_exit

    def _run_tests(self, record: DeploymentRecord) -> int:
        """N shards of the app's tests as parallel pytest processes against the one deployment."""
        shards = self._request.suite.shards
        with gha.group(f"Test ({shards} shard{'s' if shards > 1 else ''})"):
            outcomes = run_local_suite(self._request.suite, run_id=record.run_id)
            print(summarize(outcomes))
        return max((outcome.exit_code for outcome in outcomes), default=0)

    def _report(self, record: DeploymentRecord, context: RunContext) -> int:
        """Merged results and cost, shown in the terminal and written to report.md."""
        suite = self._request.suite
        results = suite.results_dir
        with gha.group("Report"):
            report, exit_code = report_run(
                ReportInputs(results, record=record, context=context, expected_shards=suite.shards),
                PublishOptions(
                    results_dir=results,
                    output=Path("report.md").resolve(),
                    durations=suite.durations_file,
                    comment=False,
                    tests_root=self._app_dir,
                ),
            )
            print(render_terminal(report))
            print(f"Report written to {Path('report.md').resolve()}")
        return exit_code
