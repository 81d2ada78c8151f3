"""`serverless-pr-test dev`: the inner loop on the local engine (rerun tests, hot-swap code, redeploy)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from runner.cli.options import (
    DEFAULT_WORK_DIR,
    add_delivery_latency_option,
    add_naming_options,
    add_preflight_options,
)
from runner.deploy.command import add_synth_timeout_option

if TYPE_CHECKING:
    from collections.abc import Sequence

    from runner.aws import AwsTarget
    from runner.context import RunContext
    from runner.dev.loop import DevRequest, DevStages, SuiteOutcome

DEFAULT_SHARDS = 1  # like `run`: on two busy cores, more pytest start-ups can cost more than they save


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("app_dir", nargs="?", type=Path, default=Path(), help="directory with cdk.json")
    add_naming_options(parser)
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
        default=Path(DEFAULT_WORK_DIR),
        help=f"where the assembly, record and results go (default: {DEFAULT_WORK_DIR})",
    )
    add_delivery_latency_option(parser)
    parser.add_argument(
        "--tests", default="tests", help="test path inside the app directory (default: tests)"
    )
    parser.add_argument(
        "--shards",
        type=int,
        default=DEFAULT_SHARDS,
        help="run the whole suite in N balanced parallel pytest processes; edited test files run in "
        f"one (default {DEFAULT_SHARDS})",
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
    parser.add_argument("--ttl-hours", type=float, default=24.0, help="expires-at tag = now + this")
    add_preflight_options(parser)
    add_synth_timeout_option(parser)
    parser.epilog = "Arguments after a bare `--` go to pytest on every run, e.g. `dev stacks/example -- -x`."


def execute(args: argparse.Namespace) -> int:
    from runner.cli.options import detect_context, target_from_args
    from runner.dev.engine import local_engine
    from runner.dev.loop import DevLoop, DevRequest
    from runner.errors import ConfigError

    app_dir = args.app_dir.resolve()
    if not (app_dir / "cdk.json").is_file():
        raise ConfigError(f"app directory {app_dir} has no cdk.json")
    if not (app_dir / args.tests).exists():
        raise ConfigError(f"test path {app_dir / args.tests} does not exist (set --tests)")
    if args.max_cycles is not None and args.max_cycles < 0:
        raise ConfigError(f"--max-cycles must be 0 or more, got {args.max_cycles}")
    if not 1 <= args.shards <= 64:
        raise ConfigError(f"--shards must be between 1 and 64, got {args.shards}")
    if args.idle_timeout <= 0:
        raise ConfigError(f"--idle-timeout must be positive, got {args.idle_timeout}")
    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port must be between 0 and 65535, got {args.port}")
    request = DevRequest(
        app_dir=app_dir,
        tests=args.tests,
        work_dir=args.work_dir.resolve(),
        keep=args.keep,
        max_cycles=args.max_cycles,
        idle_timeout=args.idle_timeout,
    )
    with local_engine(args.port, args.region, args.delivery_latency, args.endpoint_url) as (url, started):
        if started and args.keep:
            print("Note: --keep keeps the stacks only while this engine runs; it stops with `dev`.")
        args.local, args.endpoint_url = True, url
        target = target_from_args(args)
        context = detect_context(args, app_dir)
        return DevLoop(request, build_stages(args, request, context, target)).run()


def build_stages(
    args: argparse.Namespace, request: DevRequest, context: RunContext, target: AwsTarget
) -> DevStages:
    from runner.cli.options import default_prefix
    from runner.deploy.command import deploy_app, print_outputs
    from runner.deploy.deployer import choose_stack_name
    from runner.destroy.command import destroy_stacks
    from runner.destroy.destroyer import discover_stacks
    from runner.dev.hotswap import CodeSwapper
    from runner.dev.loop import DevStages
    from runner.record import DeploymentRecord
    from runner.stacks import Stacks

    base = choose_stack_name(
        args.stack_name, default_prefix(args, request.app_dir), context.pr_number, allow_without_pr=True
    )
    args.stack_name = base
    session = target.session()

    def deploy() -> DeploymentRecord:
        record = deploy_app(args, request.app_dir, context, target, reuse_synth=True)
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
        return destroy_stacks(target, context.repository, context.pr_number, names, run_id).summary()

    return DevStages(
        deploy=deploy,
        run_tests=lambda targets: run_tests(args, request, targets),
        swapper=CodeSwapper(target.client("lambda", session), target.client("cloudformation", session)),
        destroy=destroy,
    )


def run_tests(args: argparse.Namespace, request: DevRequest, targets: Sequence[str]) -> SuiteOutcome:
    """Edited test files in one pytest; the whole suite in `--shards` parallel ones, balanced by the
    durations the previous full runs recorded, each shard's lines live with its number."""
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    from runner.dev.loop import SuiteOutcome
    from runner.shards.durations import load_durations, merge_results, save_durations
    from runner.shards.plan import ShardSpec
    from runner.shards.run_shard import ShardRequest, run_shard

    results = request.work_dir / "results"
    shutil.rmtree(results, ignore_errors=True)  # a previous cycle's shards must not count
    durations = request.work_dir / "durations.json"
    shards = 1 if targets else args.shards
    requests = [
        ShardRequest(
            shard=ShardSpec(index, shards),
            app_dir=request.app_dir,
            results_dir=results,
            tests=targets[0] if targets else request.tests,
            record_file=request.work_dir / "deployment.json",
            durations_file=durations if durations.is_file() else None,
            pytest_args=(*targets[1:], *args.passthrough),
            log_file=None if shards == 1 else results / f"shard-{index}.log",
            live_prefix=None if shards == 1 else f"[{index}/{shards}] ",
        )
        for index in range(1, shards + 1)
    ]
    with ThreadPoolExecutor(max_workers=shards) as pool:  # threads only wait on pytest processes
        outcomes = list(pool.map(run_shard, requests))
    if not targets and all(outcome.reported for outcome in outcomes):
        save_durations(durations, merge_results(load_durations(durations), results))
    planned = [outcome.planned_tests for outcome in outcomes]
    return SuiteOutcome(
        exit_code=max(outcome.exit_code for outcome in outcomes),
        tests=None if None in planned else sum(count or 0 for count in planned),
    )
