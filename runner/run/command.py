"""`serverless-pr-test run`: deploy -> test -> destroy on one machine; `--local` embeds the endpoint."""

from __future__ import annotations

import argparse
from pathlib import Path

from runner.cli import options
from runner.deploy.command import add_synth_timeout_option, add_ttl_option, deploy_request
from runner.run.local_run import LocalRun, RunRequest
from runner.shards.parallel import LocalSuite


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("app_dir", nargs="?", type=Path, default=Path(), help="directory with cdk.json")
    options.add_naming_options(parser)
    options.add_target_options(
        parser,
        local_help="start an embedded local AWS endpoint for this run (or use --endpoint-url's)",
    )
    options.add_preflight_options(parser)
    parser.add_argument("--port", type=int, default=0, help="embedded endpoint port (default: any free port)")
    options.add_delivery_latency_option(parser)
    options.add_suite_options(parser, "split the tests into N balanced parallel pytest processes")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="leave the stacks deployed for the next run (with a running `serverless-pr-test local`)",
    )
    add_ttl_option(parser)
    add_synth_timeout_option(parser)
    parser.epilog = (
        "Arguments after a bare `--` go to pytest, e.g. `run --local stacks/example -- -k idempotent`."
    )


def execute(args: argparse.Namespace) -> int:
    options.check_local_options(args)
    deploy = deploy_request(args)
    suite = LocalSuite(
        deploy.app_dir, deploy.work_dir, args.tests, args.shards, pytest_args=tuple(args.passthrough)
    )
    request = RunRequest(
        deploy=deploy,
        suite=suite,
        target=options.target_request(args),
        pr=args.pr,
        port=args.port,
        delivery_latency=args.delivery_latency,
        keep=args.keep,
    )
    return LocalRun(request).execute()
