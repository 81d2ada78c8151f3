"""The CLI layer's shared options, and the request objects they become: nothing past a command
module sees argparse."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from runner.aws import TargetRequest
from runner.context import RunContext
from runner.errors import ConfigError
from runner.naming import StackNaming
from runner.shards.parallel import MAX_LOCAL_SHARDS

DEFAULT_WORK_DIR = ".serverless-pr-test"


def add_naming_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("stack naming")
    group.add_argument("--pr", help="pull request number (default: from the GitHub event)")
    group.add_argument("--stack-prefix", help="app name in stack names (default: the app directory's name)")
    group.add_argument("--stack-name", help="use this exact base stack name instead of <prefix>-pr-<N>")


def add_preflight_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("preflight and parameters")
    group.add_argument(
        "--parameters",
        action="append",
        metavar="[STACK:]KEY=VALUE",
        help="a CloudFormation parameter for every stack that declares KEY, or for STACK only (the "
        "app's stack name or the per-PR one); repeatable",
    )
    group.add_argument(
        "--allow-shared-names",
        action="store_true",
        help="deploy even when resources have fixed names every PR's copy would share (they collide)",
    )


def add_target_options(parser: argparse.ArgumentParser, local_help: str) -> None:
    group = parser.add_argument_group("where")
    group.add_argument("--local", action="store_true", help=local_help)
    group.add_argument("--endpoint-url", help="AWS endpoint URL (default: $AWS_ENDPOINT_URL, or AWS itself)")
    group.add_argument("--region", help="AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, us-east-1)")
    group.add_argument(
        "--work-dir",
        type=Path,
        default=Path(DEFAULT_WORK_DIR),
        help=f"where the assembly and deployment record go (default: {DEFAULT_WORK_DIR})",
    )


def add_delivery_latency_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--delivery-latency",
        choices=("aws", "none"),
        default="aws",
        help="how long the embedded endpoint's asynchronous hops (EventBridge, SNS, DynamoDB streams, "
        "S3 notifications) take: `aws` delays each like AWS does, so tests that do not poll fail "
        "here too; `none` delivers at once (default: aws)",
    )


def require_writable(path: Path, flag: str, directory: bool = False) -> None:
    """Fail before the work when an output cannot be written (its directory is created here)."""
    folder = path if directory else path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not directory and path.is_dir():
            raise IsADirectoryError(21, "is a directory")
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".spt-write-check-"):
            pass
    except OSError as error:
        raise ConfigError(f"{flag} {path} cannot be written: {error.strerror or error}") from error


def target_request(args: argparse.Namespace) -> TargetRequest:
    return TargetRequest(local=bool(args.local), endpoint_url=args.endpoint_url, region=args.region)


def stack_naming(args: argparse.Namespace) -> StackNaming:
    """`--stack-prefix` (default: the app directory's name) and `--stack-name`."""
    return StackNaming(prefix=str(args.stack_prefix or args.app_dir.resolve().name), explicit=args.stack_name)


def run_context(args: argparse.Namespace, cwd: Path) -> RunContext:
    """Repository, PR (`--pr` wins), commit and run id from GitHub's environment or git."""
    return RunContext.detect(os.environ, cwd, pr_override=args.pr)


def repository_from(args: argparse.Namespace, cwd: Path) -> str:
    """`--repository`, else $GITHUB_REPOSITORY, else the git remote: never a file the run reads."""
    explicit = getattr(args, "repository", None)
    return str(explicit) if explicit else RunContext.detect(os.environ, cwd).repository


def add_suite_options(parser: argparse.ArgumentParser, shards_help: str) -> None:
    """`run` and `dev`: which tests, in how many parallel pytest processes (default 1: on two busy
    cores more pytest start-ups can cost more than they save)."""
    parser.add_argument(
        "--tests", default="tests", help="test path inside the app directory (default: tests)"
    )
    parser.add_argument("--shards", type=int, default=1, help=f"{shards_help} (default 1)")


def check_local_options(args: argparse.Namespace) -> None:
    """`run` and `dev`: shard count and engine port, before anything starts."""
    if not 1 <= args.shards <= MAX_LOCAL_SHARDS:
        raise ConfigError(f"--shards must be between 1 and {MAX_LOCAL_SHARDS}, got {args.shards}")
    check_port(args.port)


def check_port(port: int) -> None:
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port must be between 0 and 65535, got {port}")
