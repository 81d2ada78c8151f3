"""A local endpoint (MiniStack over HTTP on 127.0.0.1) and helpers to build managed stacks on it."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest

from runner.aws import AwsTarget
from runner.tags import MANAGED, PR, REPOSITORY
from tests.support.engine import endpoint_fixture

REPOSITORY_NAME = "org/shop"


endpoint = endpoint_fixture("session")


@pytest.fixture
def target(endpoint, monkeypatch):
    for name, value in endpoint.env().items():
        monkeypatch.setenv(name, value)
    return AwsTarget(region=endpoint.region, endpoint_url=endpoint.url)


@pytest.fixture
def clients(target):
    session = boto3.Session(region_name=target.region)
    return lambda service: session.client(service, endpoint_url=target.endpoint_url)


@pytest.fixture
def stack_name():
    return f"shop-pr-{uuid.uuid4().int % 10**6}"


def managed_tags(repository=REPOSITORY_NAME, pr="1"):
    """The tags deploy gives a stack of PR #1 of org/shop (the PR every test here destroys)."""
    return [
        {"Key": MANAGED, "Value": "true"},
        {"Key": REPOSITORY, "Value": repository},
        {"Key": PR, "Value": pr},
    ]


def create_stack(clients, name, resources, tags=None, outputs=None):
    template = {"Resources": resources, "Outputs": outputs or {}}
    clients("cloudformation").create_stack(
        StackName=name, TemplateBody=json.dumps(template), Tags=managed_tags() if tags is None else tags
    )
    return clients("cloudformation").describe_stacks(StackName=name)["Stacks"][0]
