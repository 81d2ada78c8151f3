"""One embedded endpoint (MiniStack over HTTP on 127.0.0.1) for the helper tests in this folder."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from runner.local import LocalEndpoint
from runner.record import DeployedStack, DeploymentRecord
from tests.support.engine import endpoint_fixture

endpoint = endpoint_fixture("session")


@pytest.fixture(scope="session")
def aws(endpoint: LocalEndpoint):
    """`aws("sqs")` -> a client for the endpoint."""
    clients: dict[str, Any] = {}

    def make(service: str) -> Any:
        if service not in clients:
            clients[service] = boto3.client(
                service,
                endpoint_url=endpoint.url,
                region_name=endpoint.region,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
        return clients[service]

    return make


def unique(prefix: str) -> str:
    """the engine's state is shared by the whole module: every test names its resources uniquely."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def unique_name():
    return unique


@pytest.fixture
def record_for(endpoint: LocalEndpoint, tmp_path: Path):
    """`record_for(outputs)` -> path of a deployment record whose stack has these outputs."""
    return lambda outputs: write_record(tmp_path / "deployment.json", endpoint, outputs)


def write_record(path: Path, endpoint: LocalEndpoint, outputs: dict[str, str]) -> Path:
    DeploymentRecord(
        repository="org/shop",
        pr_number=5,
        commit="abc",
        run_id="deploy-run",
        region=endpoint.region,
        endpoint_url=endpoint.url,
        stacks=(DeployedStack("shop-pr-5", "CREATE_COMPLETE", outputs),),
        tags={"serverless-pr-test:managed": "true", "serverless-pr-test:repository": "org/shop"},
        deployed_at="2026-11-21T06:00:00Z",
    ).write(path)
    return path
