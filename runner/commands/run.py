"""`serverless-pr-test run`: deploy -> test -> destroy on one machine; `--local` embeds the endpoint."""

from __future__ import annotations

import argparse
from pathlib import Path

from runner.commands.common import (
    add_delivery_latency_option,
    add_naming_options,
    add_preflight_options,
    add_target_options,
)

HELP = "deploy, run the app's tests, and destroy, all on this machine (--local: no AWS account needed)"


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
        "--ttl-hours", type=float, default=24.0, help="expires-at tag = now + this (default 24)"
    )
    parser.epilog = (
        "Arguments after a bare `--` go to pytest, e.g. `run --local stacks/example -- -k idempotent`."
    )


def execute(args: argparse.Namespace) -> int:
    from runner.errors import ConfigError
    from runner.run import LocalRun

    if not 1 <= args.shards <= 64:
        raise ConfigError(f"--shards must be between 1 and 64, got {args.shards}")
    return LocalRun(args, list(args.passthrough)).execute()
