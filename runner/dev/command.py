"""`serverless-pr-test dev`: the inner loop on the local engine (rerun tests, hot-swap code, redeploy)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from runner.aws import AwsTarget, TargetRequest, export_target, resolve_target
from runner.cli import options
from runner.context import RunContext
from runner.deploy.command import add_synth_timeout_option, add_ttl_option, deploy_request
from runner.deploy.stage import DeployRequest, deploy_app, print_outputs
from runner.destroy.destroyer import discover_stacks
from runner.destroy.stage import DestroyRequest, destroy_stacks
from runner.dev.hotswap import CodeSwapper
from runner.dev.loop import DevLoop, DevRequest, DevStages, SuiteOutcome
from runner.errors import ConfigError
from runner.local.engine_choice import local_engine
from runner.naming import StackNaming
from runner.record import DeploymentRecord
from runner.report.junit import merge_results
from runner.shards.durations import refresh_store
from runner.shards.parallel import LocalSuite, run_local_suite
from runner.shards.slices import planned_nodeids
from runner.stacks import Stacks


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("app_dir", nargs="?", type=Path, default=Path(), help="directory with cdk.json")
    options.add_naming_options(parser)
    where = parser.add_argument_group("where")
    where.add_argument(
        "--port",
        type=int,
        default=0,
        help="start the engine on this port (default: reuse `serverless-pr-test local` on 4566 when "
        "it is running, else any free port)",
    )
    where.add_argument("--endpoint-url", help="use the engine at this URL instead")
    where.add_argument("--region", default="us-east-1", help="AWS region (default us-east-1)")
    where.add_argument(
        "--work-dir",
        type=Path,
        default=Path(options.DEFAULT_WORK_DIR),
        help=f"where the assembly, record and results go (default: {options.DEFAULT_WORK_DIR})",
    )
    options.add_delivery_latency_option(parser)
    options.add_suite_options(
        parser,
        "run the whole suite in N balanced parallel pytest processes; edited test files run in one",
    )
    parser.add_argument("--keep", action="store_true", help="leave the stacks deployed when the loop ends")
    parser.add_argument(
        "--max-cycles", type=int, help="stop after reacting to this many edits (default: until Ctrl-C)"
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=8 * 3600.0,
        help="stop after this many seconds without an edit (default: 8 hours)",
    )
    add_ttl_option(parser)
    options.add_preflight_options(parser)
    add_synth_timeout_option(parser)
    parser.epilog = "Arguments after a bare `--` go to pytest on every run, e.g. `dev stacks/example -- -x`."


def execute(args: argparse.Namespace) -> int:
    options.check_local_options(args)
    app_dir = args.app_dir.resolve()
    if not (app_dir / "cdk.json").is_file():
        raise ConfigError(f"app directory {app_dir} has no cdk.json")
    if not (app_dir / args.tests).exists():
        raise ConfigError(f"test path {app_dir / args.tests} does not exist (set --tests)")
    if args.max_cycles is not None and args.max_cycles < 0:
        raise ConfigError(f"--max-cycles must be 0 or more, got {args.max_cycles}")
    if args.idle_timeout <= 0:
        raise ConfigError(f"--idle-timeout must be positive, got {args.idle_timeout}")
    request = DevRequest(
        app_dir=app_dir,
        tests=args.tests,
        work_dir=args.work_dir.resolve(),
        keep=args.keep,
        max_cycles=args.max_cycles,
        idle_timeout=args.idle_timeout,
    )
    deploy = deploy_request(args, reuse_synth=True)
    suite = LocalSuite(
        app_dir, request.work_dir, args.tests, args.shards, pytest_args=tuple(args.passthrough)
    )
    with local_engine(args.port, args.region, args.delivery_latency, args.endpoint_url) as (url, started):
        if started and args.keep:
            print("Note: --keep keeps the stacks only while this engine runs; it stops with `dev`.")
        target = resolve_target(TargetRequest(local=True, endpoint_url=url, region=args.region), os.environ)
        export_target(target, os.environ, local=True)
        context = options.run_context(args, app_dir)
        return DevLoop(request, build_stages(deploy, suite, context, target)).run()


def build_stages(
    deploy: DeployRequest, suite: LocalSuite, context: RunContext, target: AwsTarget
) -> DevStages:
    base = deploy.naming.base_name(context.pr_number, allow_without_pr=True)
    deploy = replace(deploy, naming=StackNaming(deploy.naming.prefix, base))
    session = target.session()

    def deploy_once() -> DeploymentRecord:
        record = deploy_app(deploy, context, target)
        print_outputs(record)
        return record

    def destroy(record: DeploymentRecord | None) -> str:
        names = (
            list(record.stack_names)
            if record
            else discover_stacks(Stacks(target.client("cloudformation", session)), base)
        )
        if not names:
            return "Nothing to destroy"
        run_id = record.run_id if record else context.run_id
        request = DestroyRequest(context.repository, context.pr_number, tuple(names), run_id)
        return destroy_stacks(request, target).summary()

    return DevStages(
        deploy=deploy_once,
        run_tests=lambda targets: run_tests(suite, targets),
        swapper=CodeSwapper(target.client("lambda", session), target.client("cloudformation", session)),
        destroy=destroy,
    )


def run_tests(suite: LocalSuite, targets: Sequence[str]) -> SuiteOutcome:
    """Edited test files in one pytest; the whole suite in `--shards` parallel ones, balanced by the
    durations the previous full runs recorded, each shard's lines live with its number."""
    chosen = (
        replace(suite, tests=targets[0], shards=1, pytest_args=(*targets[1:], *suite.pytest_args))
        if targets
        else suite
    )
    outcomes = run_local_suite(chosen)
    if not targets and all(outcome.reported for outcome in outcomes):
        results = merge_results(suite.results_dir)
        plans = planned_nodeids(suite.results_dir) if results.planned_total is not None else None
        refresh_store(suite.durations_file, results.durations_by_nodeid, plans, warn=print)
    planned = [outcome.planned_tests for outcome in outcomes]
    return SuiteOutcome(
        exit_code=max(outcome.exit_code for outcome in outcomes),
        tests=None if None in planned else sum(count or 0 for count in planned),
    )
