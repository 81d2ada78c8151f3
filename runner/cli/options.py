"""Options and wiring shared by the stage commands (import-light: argparse only at module level)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runner.aws import AwsTarget
    from runner.context import RunContext
    from runner.destroy.destroyer import Destroyer

DEFAULT_LOCAL_ENDPOINT = "http://localhost:4566"
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


def target_account(target: AwsTarget) -> str | None:
    """The account the credentials belong to, for the preflight; None when it cannot be asked."""
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    # One quick question: the preflight only warns with it, so no patient retries.
    quick = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=5, read_timeout=10)
    try:
        sts = target.session().client("sts", endpoint_url=target.endpoint_url, config=quick)
        account = sts.get_caller_identity().get("Account")
    except (BotoCoreError, ClientError):
        return None
    return str(account) if account else None


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


def checked_target(region: str, endpoint_url: str | None, source: str) -> AwsTarget:
    """A target whose region and endpoint URL are well formed and whose endpoint answers, so a bad
    one is one `Error:` line before the synth, not a botocore traceback after it."""
    import re
    import socket
    from urllib.parse import urlsplit

    from runner.aws import AwsTarget
    from runner.errors import ConfigError, UnreachableError

    if not re.fullmatch(r"[a-z0-9]{1,20}(-[a-z0-9]{1,20}){1,4}", region):
        raise ConfigError(f"{source}: region {region!r} is not a region name like us-east-1")
    if endpoint_url is None:
        return AwsTarget(region=region)
    try:
        parts = urlsplit(endpoint_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise ConfigError(f"{source}: endpoint URL {endpoint_url!r} is invalid: {error}") from error
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in endpoint_url):
        raise ConfigError(f"{source}: endpoint URL {endpoint_url!r} must look like http://localhost:4566")
    try:
        socket.create_connection((parts.hostname, port), timeout=5).close()
    except OSError as error:
        raise UnreachableError(
            f"{source}: nothing answers at {endpoint_url} ({error.strerror or error}); start it with "
            "`serverless-pr-test local` or pass the right --endpoint-url"
        ) from error
    return AwsTarget(region=region, endpoint_url=endpoint_url)


def target_from_args(args: argparse.Namespace) -> AwsTarget:
    """`--local` without a URL means the endpoint `serverless-pr-test local` serves on port 4566."""
    from runner.aws import AwsTarget
    from runner.local.endpoint import DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY

    endpoint_url = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    if args.local:
        endpoint_url = endpoint_url or DEFAULT_LOCAL_ENDPOINT
        # Never let a local run pick up real credentials from the environment or ~/.aws.
        os.environ["AWS_ACCESS_KEY_ID"] = DUMMY_ACCESS_KEY
        os.environ["AWS_SECRET_ACCESS_KEY"] = DUMMY_SECRET_KEY
        os.environ.pop("AWS_SESSION_TOKEN", None)
        os.environ.pop("AWS_PROFILE", None)
    found = AwsTarget.from_env(region=args.region, endpoint_url=endpoint_url)
    target = checked_target(found.region, found.endpoint_url, "--region/--endpoint-url")
    os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = target.region
    if target.endpoint_url:
        os.environ["AWS_ENDPOINT_URL"] = target.endpoint_url
    return target


def require_writable(path: Path, flag: str, directory: bool = False) -> None:
    """Fail before the work when an output cannot be written (its directory is created here)."""
    import tempfile

    from runner.errors import ConfigError

    folder = path if directory else path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not directory and path.is_dir():
            raise IsADirectoryError(21, "is a directory")
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".spt-write-check-"):
            pass
    except OSError as error:
        raise ConfigError(f"{flag} {path} cannot be written: {error.strerror or error}") from error


def repository_from(args: argparse.Namespace, cwd: Path) -> str:
    """`--repository`, else $GITHUB_REPOSITORY, else the git remote: never a file the run reads."""
    from runner.context import RunContext

    explicit = getattr(args, "repository", None)
    return str(explicit) if explicit else RunContext.detect(os.environ, cwd).repository


def detect_context(args: argparse.Namespace, cwd: Path) -> RunContext:
    from runner.context import RunContext

    return RunContext.detect(os.environ, cwd, pr_override=args.pr)


def default_prefix(args: argparse.Namespace, app_dir: Path) -> str:
    return str(args.stack_prefix or app_dir.resolve().name)


def build_destroyer(target: AwsTarget) -> Destroyer:
    from runner.destroy.capture_sweep import sweep_captures
    from runner.destroy.cleanup import BucketEmptier, LogGroups
    from runner.destroy.destroyer import Destroyer
    from runner.destroy.leftovers import OwnedLeftovers, TaggedLeftovers
    from runner.stacks import Stacks

    session = target.session()
    events, sqs = target.client("events", session), target.client("sqs", session)
    leftovers = (
        OwnedLeftovers(lambda service: target.client(service, session))
        if target.is_local
        else TaggedLeftovers(target.client("resourcegroupstaggingapi", session))
    )
    return Destroyer(
        Stacks(target.client("cloudformation", session)),
        BucketEmptier(target.client("s3", session)),
        LogGroups(target.client("logs", session), target.client("lambda", session)),
        leftovers,
        sweep_captures=lambda buses: sweep_captures(events, sqs, buses),
    )
