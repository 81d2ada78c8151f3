"""`serverless-pr-test check`: the preflight alone. Synth the app, give its stacks their per-PR names,
and list what would break per-PR isolation or clean-up, each with its resource and fix."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from runner.aws import export_target, resolve_target
from runner.cli import options
from runner.deploy.cdk import CdkCli, cli_environment, find_cdk_executable, read_cdk_json
from runner.deploy.parameters import ParameterInputs, from_flags
from runner.deploy.prepare import PrepareRequest, prepare
from runner.errors import ConfigError
from runner.preflight import PreflightTarget

# Without a PR number names are checked as a five-digit PR's would be: long enough to be honest
# about length limits for most repositories.
PLACEHOLDER_PR = 10000


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("app_dir", nargs="?", type=Path, default=Path(), help="directory with cdk.json")
    options.add_naming_options(parser)
    options.add_target_options(parser, local_help="check against the local endpoint's account and region")
    options.add_preflight_options(parser)


def execute(args: argparse.Namespace) -> int:
    app_dir: Path = args.app_dir.resolve()
    if not app_dir.is_dir():
        raise ConfigError(f"app directory {args.app_dir} does not exist")
    read_cdk_json(app_dir)
    parameters = ParameterInputs.parse(from_flags(args.parameters))
    target = resolve_target(options.target_request(args), os.environ)
    export_target(target, os.environ, local=args.local)
    pr_number = options.run_context(args, app_dir).pr_number
    if pr_number is None and not args.stack_name:
        print(f"No PR number given: names are checked as PR {PLACEHOLDER_PR}'s would be (pass --pr N)")
    base_name = options.stack_naming(args).base_name(pr_number or PLACEHOLDER_PR, allow_without_pr=False)
    cli = CdkCli(find_cdk_executable(app_dir), app_dir, cli_environment(os.environ, {}))
    request = PrepareRequest(
        app_dir=app_dir,
        base_name=base_name,
        assembly_dir=args.work_dir.resolve() / "check" / "cdk.out",
        target=PreflightTarget(target.region, target.account(), base_name),
        parameters=parameters,
        allow_shared_names=args.allow_shared_names,
    )
    prepare(cli, request)
    return 0
