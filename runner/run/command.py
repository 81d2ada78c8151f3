"""`serverless-pr-test run`: deploy -> test -> destroy on one machine; `--local` embeds the endpoint."""

from __future__ import annotations

import argparse
from pathlib import Path

from runner.cli.options import (
    add_delivery_latency_option,
    add_naming_options,
    add_preflight_options,
    add_target_options,
)
from runner.deploy.command import add_synth_timeout_option


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("app_dir", nargs="?", type=Path, default=Path(), help="directory with cdk.json")
    add_naming_options(parser)
    add_target_options(
        parser,
        local_help="start an embedded local AWS endpoint for this run (or use --endpoint-url's)",
    )
    add_preflight_options(parser)
    parser.add_argument("--port", type=int, default=0, help="embedded endpoint port (default: any free port)")
    add_delivery_latency_option(parser)
    parser.add_argument(
        "--tests", default="tests", help="test path inside the app directory (default: tests)"
    )
    parser.add_argument(
        "--shards",
        type=int,
        default=1,
        help="split the tests into N balanced parallel pytest processes (default 1)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="leave the stacks deployed for the next run (with a running `serverless-pr-test local`)",
    )
    parser.add_argument(
        "--ttl-hours", type=float, default=24.0, help="expires-at tag = now + this (default 24)"
    )
    add_synth_timeout_option(parser)
    parser.epilog = (
        "Arguments after a bare `--` go to pytest, e.g. `run --local stacks/example -- -k idempotent`."
    )


def execute(args: argparse.Namespace) -> int:
    from runner.errors import ConfigError
    from runner.limits import synth_timeout_seconds, ttl_hours
    from runner.run.local_run import LocalRun

    # Parallel pytest processes on one machine: 64 is already more than its cores.
    if not 1 <= args.shards <= 64:
        raise ConfigError(f"--shards must be between 1 and 64, got {args.shards}")
    ttl_hours(args.ttl_hours)
    synth_timeout_seconds(args.synth_timeout)
    return LocalRun(args, list(args.passthrough)).execute()
