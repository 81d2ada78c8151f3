"""Shared helpers for the host-process Lambda tests: zip a handler, create it, stop cleanly."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from runner.local import LocalEndpoint
from tests.support.aws import LAMBDA_TRUST, engine_client, unique, zipped


def client(endpoint: LocalEndpoint, service: str) -> Any:
    return engine_client(endpoint, service, access_key_id="123456789012")


def zip_sources(files: dict[str, str]) -> bytes:
    return zipped({name: textwrap.dedent(source) for name, source in files.items()})


def lambda_role(endpoint: LocalEndpoint) -> str:
    iam = client(endpoint, "iam")
    name = unique("lambda-role")
    return str(
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
    )


def create_function(
    endpoint: LocalEndpoint,
    source: str,
    *,
    name: str | None = None,
    runtime: str = "python3.12",
    timeout: int = 5,
    memory: int = 128,
    environment: dict[str, str] | None = None,
    handler: str = "app.handler",
) -> str:
    """Create a function whose `app.py` is `source`; returns its name."""
    function_name = name or unique("fn")
    client(endpoint, "lambda").create_function(
        FunctionName=function_name,
        Runtime=runtime,
        Role=lambda_role(endpoint),
        Handler=handler,
        Code={"ZipFile": zip_sources({"app.py": source})},
        Timeout=timeout,
        MemorySize=memory,
        Environment={"Variables": environment or {}},
    )
    return function_name


def invoke_json(endpoint: LocalEndpoint, function_name: str, event: Any = None, **options: Any) -> Any:
    response = client(endpoint, "lambda").invoke(
        FunctionName=function_name, Payload=json.dumps(event or {}).encode(), **options
    )
    response["Body"] = json.loads(response["Payload"].read() or b"null")
    return response


@contextmanager
def endpoint_without(*patches: str) -> Iterator[LocalEndpoint]:
    """A second engine with the named engine patches left out: proves a behaviour is the patch's."""
    local = LocalEndpoint.start(extra_environment={"SPT_ENGINE_DISABLE_PATCHES": ",".join(patches)})
    try:
        yield local
    finally:
        stop_and_check_workers(local)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[LocalEndpoint]:
    """One endpoint per test module (import this fixture into the module), its workers checked gone."""
    local = LocalEndpoint.start()
    yield local
    stop_and_check_workers(local)


def stop_and_check_workers(endpoint: LocalEndpoint) -> None:
    """Stop the endpoint and prove none of its worker processes outlived it."""
    pids = endpoint.worker_pids()
    endpoint.stop()
    survivors = [pid for pid in pids if _alive(pid)]
    assert survivors == [], f"worker processes survived LocalEndpoint.stop(): {survivors}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead but not yet reaped; /proc tells the difference.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False
