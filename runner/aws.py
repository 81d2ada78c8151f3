"""boto3 sessions and clients pointed at AWS or at the local endpoint, with patient retries."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

if TYPE_CHECKING:
    import boto3

DEFAULT_REGION = "us-east-1"
# One retry budget for every SDK the runner drives: a 30% throttling rate still gets through.
MAX_ATTEMPTS = 10


def retry_environment() -> dict[str, str]:
    """The same budget for SDKs in child processes, read from the environment by both botocore
    (the app's tests) and the JS SDK (the CDK CLI, whose default is 3 attempts)."""
    return {"AWS_MAX_ATTEMPTS": str(MAX_ATTEMPTS), "AWS_RETRY_MODE": "standard"}


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class AwsTarget:
    """Where AWS calls go: a region, and an endpoint URL for the local endpoint (None = AWS)."""

    region: str
    endpoint_url: str | None = None

    @classmethod
    def from_env(cls, region: str | None = None, endpoint_url: str | None = None) -> AwsTarget:
        return cls(
            region=region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or DEFAULT_REGION,
            endpoint_url=endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None,
        )

    @property
    def is_local(self) -> bool:
        return self.endpoint_url is not None

    @property
    def is_loopback(self) -> bool:
        return self.endpoint_url is not None and urlparse(self.endpoint_url).hostname in LOOPBACK_HOSTS

    def session(self) -> boto3.Session:
        """Real credentials never go to an engine on this machine: it gets the dummy pair."""
        import boto3

        if self.is_loopback:
            from runner.local.endpoint import DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY

            return boto3.Session(
                region_name=self.region,
                aws_access_key_id=DUMMY_ACCESS_KEY,
                aws_secret_access_key=DUMMY_SECRET_KEY,
            )
        return boto3.Session(region_name=self.region)

    def client(self, service: str, session: boto3.Session | None = None) -> Any:
        from botocore.config import Config

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
