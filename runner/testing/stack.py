"""What a test needs to reach the PR stack: outputs, names, region, endpoint, boto3 clients."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from runner import tags as managed_tags
from runner.aws import LOOPBACK_HOSTS
from runner.errors import ConfigError, StackNotFoundError
from runner.local.endpoint import DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY
from runner.record import DeploymentRecord

DEFAULT_REGION = "us-east-1"
# Temporary test resources outlive a crashed test run by at most this long before janitor may sweep them.
TEMPORARY_RESOURCE_TTL = timedelta(hours=6)


@dataclass(frozen=True)
class StackContext:
    """The deployed PR stack(s) as tests see them. `outputs` holds `Key`, or `StackName.Key` when two
    stacks share a key."""

    outputs: Mapping[str, str]
    stack_names: tuple[str, ...]
    region: str
    endpoint_url: str | None
    run_id: str
    stack_tags: Mapping[str, str] = field(default_factory=dict)
    session: boto3.Session | None = field(default=None, repr=False, compare=False)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def output(self, key: str) -> str:
        try:
            return self.outputs[key]
        except KeyError:
            known = ", ".join(sorted(self.outputs)) or "none"
            raise KeyError(f"stack output {key!r} not found; outputs: {known}") from None

    def __getitem__(self, key: str) -> str:
        return self.output(key)

    def client(self, service: str) -> Any:
        """A boto3 client for `service`, bound to the stack's region and endpoint; one per service."""
        with self._lock:
            if service not in self._clients:
                session = self.session or _session(self.region, self.endpoint_url)
                # Any service name: the typed overloads only know literal names.
                self._clients[service] = session.client(  # type: ignore[call-overload]
                    service, region_name=self.region, endpoint_url=self.endpoint_url, config=_config(self)
                )
            return self._clients[service]

    def resource_tags(self) -> dict[str, str]:
        """Tags for temporary resources tests create (event captures): the stack's managed tags with
        this run's id, so destroy and janitor sweep them like the stack."""
        tags = {
            key: value for key, value in self.stack_tags.items() if key.startswith(managed_tags.TAG_PREFIX)
        }
        tags[managed_tags.MANAGED] = managed_tags.MANAGED_VALUE
        tags[managed_tags.RUN_ID] = self.run_id
        expires = datetime.now(UTC) + TEMPORARY_RESOURCE_TTL
        tags.setdefault(managed_tags.EXPIRES_AT, managed_tags.format_time(expires))
        return tags


def merge_outputs(outputs_by_stack: Sequence[tuple[str, Mapping[str, str]]]) -> dict[str, str]:
    """Outputs by key; a key two stacks share appears as `StackName.Key` for both."""
    counts: dict[str, int] = {}
    for _, outputs in outputs_by_stack:
        for key in outputs:
            counts[key] = counts.get(key, 0) + 1
    return {
        key if counts[key] == 1 else f"{name}.{key}": value
        for name, outputs in outputs_by_stack
        for key, value in outputs.items()
    }


def stack_from_record(record_file: Path, run_id: str, env: Mapping[str, str]) -> StackContext:
    record = DeploymentRecord.read(record_file)
    endpoint_url = record.endpoint_url or env.get("AWS_ENDPOINT_URL") or None
    return StackContext(
        outputs=record.merged_outputs(),
        stack_names=record.stack_names,
        region=record.region or _region(env),
        endpoint_url=endpoint_url,
        run_id=run_id,
        stack_tags=dict(record.tags),
        session=_session(record.region or _region(env), endpoint_url),
    )


def stack_from_names(names: Sequence[str], run_id: str, env: Mapping[str, str]) -> StackContext:
    """Outputs and tags read with describe_stacks, for stacks deployed by other means."""
    region = _region(env)
    endpoint_url = env.get("AWS_ENDPOINT_URL") or None
    session = _session(region, endpoint_url)
    cloudformation = session.client("cloudformation", region_name=region, endpoint_url=endpoint_url)
    outputs_by_stack: list[tuple[str, dict[str, str]]] = []
    stack_tags: dict[str, str] = {}
    for name in names:
        try:
            described = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
        except ClientError as error:
            raise StackNotFoundError(f"stack {name!r} not found in {region}: {error}") from error
        outputs = {item["OutputKey"]: item.get("OutputValue", "") for item in described.get("Outputs", [])}
        outputs_by_stack.append((name, outputs))
        stack_tags.update({tag["Key"]: tag["Value"] for tag in described.get("Tags", [])})
    return StackContext(
        outputs=merge_outputs(outputs_by_stack),
        stack_names=tuple(names),
        region=region,
        endpoint_url=endpoint_url,
        run_id=run_id,
        stack_tags=stack_tags,
        session=session,
    )


def _region(env: Mapping[str, str]) -> str:
    return env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


def _is_local(endpoint_url: str | None) -> bool:
    return bool(endpoint_url) and urlparse(endpoint_url).hostname in LOOPBACK_HOSTS


def _config(context: StackContext) -> Any:
    """Against the local engine, no host prefixes: StartSyncExecution's `sync-localhost` and the
    like resolve nowhere on this machine."""
    return Config(inject_host_prefix=not _is_local(context.endpoint_url))


def _session(region: str, endpoint_url: str | None) -> boto3.Session:
    """A session for the region; against a local endpoint without credentials, the dummy pair the
    engine accepts, so a laptop without AWS configuration still works."""
    session = boto3.Session(region_name=region)
    if _is_local(endpoint_url) and session.get_credentials() is None:
        session = boto3.Session(
            region_name=region, aws_access_key_id=DUMMY_ACCESS_KEY, aws_secret_access_key=DUMMY_SECRET_KEY
        )
    return session


def require_source(record_file: Path | None, stack_names: Sequence[str]) -> None:
    if record_file is None and not stack_names:
        raise ConfigError(
            "no stack is known: pass --spt-record PATH (or set SPT_RECORD_FILE) or --spt-stack-name NAME"
        )
