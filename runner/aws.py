"""Where AWS calls go: the target (a region, and an endpoint URL for a local engine), checked before
any work, boto3 sessions and clients with patient retries, and the one step that exports the target
into this process's environment for the child processes (CDK CLI, pytest) that inherit it."""

from __future__ import annotations

import re
import socket
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from runner.errors import ConfigError, UnreachableError
from runner.local.endpoint import DEFAULT_URL, DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY, client_environment

DEFAULT_REGION = "us-east-1"
# One retry budget for every SDK the runner drives: a 30% throttling rate still gets through.
MAX_ATTEMPTS = 10
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_REGION = re.compile(r"[a-z0-9]{1,20}(-[a-z0-9]{1,20}){1,4}")


def retry_environment() -> dict[str, str]:
    """The same budget for SDKs in child processes, read from the environment by both botocore
    (the app's tests) and the JS SDK (the CDK CLI, whose default is 3 attempts)."""
    return {"AWS_MAX_ATTEMPTS": str(MAX_ATTEMPTS), "AWS_RETRY_MODE": "standard"}


@dataclass(frozen=True)
class TargetRequest:
    """What the command line asked for: `--local`, `--endpoint-url`, `--region` (None = not given)."""

    local: bool = False
    endpoint_url: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class AwsTarget:
    """Where AWS calls go: a region, and an endpoint URL for the local endpoint (None = AWS)."""

    region: str
    endpoint_url: str | None = None

    @property
    def is_local(self) -> bool:
        return self.endpoint_url is not None

    @property
    def is_loopback(self) -> bool:
        return self.endpoint_url is not None and urlparse(self.endpoint_url).hostname in LOOPBACK_HOSTS

    def session(self) -> boto3.Session:
        """Real credentials never go to an engine on this machine: it gets the dummy pair."""
        if self.is_loopback:
            return boto3.Session(
                region_name=self.region,
                aws_access_key_id=DUMMY_ACCESS_KEY,
                aws_secret_access_key=DUMMY_SECRET_KEY,
            )
        return boto3.Session(region_name=self.region)

    def client(self, service: str, session: boto3.Session | None = None) -> Any:
        # Adaptive retries ride out throttling and 5xx answers (on AWS and through a faulty proxy).
        config = Config(
            retries={"mode": "adaptive", "max_attempts": MAX_ATTEMPTS},
            connect_timeout=10,
            read_timeout=70,
            # Host prefixes (StartSyncExecution's `sync-`) name no host on this machine.
            inject_host_prefix=not self.is_loopback,
        )
        return (session or self.session()).client(
            service,  # type: ignore[call-overload]
            endpoint_url=self.endpoint_url,
            config=config,
        )

    def account(self) -> str | None:
        """The account the credentials belong to, for the preflight; None when it cannot be asked."""
        # One quick question: the preflight only warns with it, so no patient retries.
        quick = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=5, read_timeout=10)
        try:
            sts = self.session().client("sts", endpoint_url=self.endpoint_url, config=quick)
            account = sts.get_caller_identity().get("Account")
        except (BotoCoreError, ClientError):
            return None
        return str(account) if account else None


def checked_target(region: str, endpoint_url: str | None, source: str) -> AwsTarget:
    """A target whose region and endpoint URL are well formed and whose endpoint answers, so a bad
    one is one `Error:` line before the synth, not a botocore traceback after it."""
    if not _REGION.fullmatch(region):
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


def resolve_target(request: TargetRequest, environ: Mapping[str, str]) -> AwsTarget:
    """The flags first, then AWS_ENDPOINT_URL / AWS_REGION / AWS_DEFAULT_REGION; checked. Reads only."""
    endpoint_url = request.endpoint_url or environ.get("AWS_ENDPOINT_URL") or None
    if request.local:
        endpoint_url = endpoint_url or DEFAULT_URL
    region = (
        request.region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    )
    return checked_target(region, endpoint_url, "--region/--endpoint-url")


def export_target(target: AwsTarget, environ: MutableMapping[str, str], local: bool) -> None:
    """The one place the runner writes AWS settings into its environment: the CDK CLI and the
    tests' pytest inherit them. A `--local` run never lets a child pick up real credentials from
    the environment or ~/.aws; on this machine's engine the CDK CLI also learns its account."""
    if local:
        environ.pop("AWS_SESSION_TOKEN", None)
        environ.pop("AWS_PROFILE", None)
        environ["AWS_ACCESS_KEY_ID"] = DUMMY_ACCESS_KEY
        environ["AWS_SECRET_ACCESS_KEY"] = DUMMY_SECRET_KEY
        if target.endpoint_url and target.is_loopback:
            environ.update(client_environment(target.endpoint_url, target.region))
    environ["AWS_REGION"] = environ["AWS_DEFAULT_REGION"] = target.region
    if target.endpoint_url:
        environ["AWS_ENDPOINT_URL"] = target.endpoint_url
