"""The AWS target: resolved from flags and the environment without writing to it, then exported in
one named step (runner.aws.export_target)."""

import socket

import pytest

from runner.aws import AwsTarget, TargetRequest, export_target, resolve_target
from runner.errors import ConfigError, UnreachableError
from runner.local.endpoint import DUMMY_ACCESS_KEY, LOCAL_ACCOUNT_ID


@pytest.fixture
def listening_url():
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


def test_resolving_reads_flags_before_the_environment_and_writes_nothing(listening_url):
    environ = {"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"}
    before = dict(environ)
    target = resolve_target(TargetRequest(endpoint_url=listening_url, region="us-west-2"), environ)
    assert target == AwsTarget(region="us-west-2", endpoint_url=listening_url)
    assert environ == before


def test_the_environment_fills_what_the_flags_leave_out():
    assert resolve_target(TargetRequest(), {"AWS_DEFAULT_REGION": "ap-south-1"}) == AwsTarget("ap-south-1")
    assert resolve_target(TargetRequest(), {}) == AwsTarget("us-east-1")


def test_local_without_an_endpoint_means_the_engine_on_4566_and_says_so_when_nothing_answers():
    try:
        socket.create_connection(("localhost", 4566), timeout=1).close()
        pytest.skip("something listens on 4566 here")
    except OSError:
        pass
    with pytest.raises(UnreachableError, match="nothing answers at http://localhost:4566"):
        resolve_target(TargetRequest(local=True), {})


def test_a_malformed_region_or_endpoint_is_one_config_error():
    with pytest.raises(ConfigError, match="region 'Moon' is not a region name"):
        resolve_target(TargetRequest(region="Moon"), {})
    with pytest.raises(ConfigError, match="must look like http://localhost:4566"):
        resolve_target(TargetRequest(endpoint_url="ftp://x"), {})


def test_a_local_export_replaces_real_credentials_and_names_the_engines_account(listening_url):
    environ = {
        "AWS_ACCESS_KEY_ID": "AKIAREAL",
        "AWS_SECRET_ACCESS_KEY": "real",
        "AWS_SESSION_TOKEN": "token",
        "AWS_PROFILE": "prod",
    }
    export_target(AwsTarget("eu-west-1", listening_url), environ, local=True)
    assert environ["AWS_ACCESS_KEY_ID"] == DUMMY_ACCESS_KEY
    assert environ["AWS_SECRET_ACCESS_KEY"] != "real"
    assert "AWS_SESSION_TOKEN" not in environ
    assert "AWS_PROFILE" not in environ
    assert environ["AWS_ENDPOINT_URL"] == listening_url
    assert environ["AWS_REGION"] == environ["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert environ["CDK_DEFAULT_ACCOUNT"] == LOCAL_ACCOUNT_ID


def test_an_aws_export_keeps_the_credentials_and_sets_only_the_region():
    environ = {"AWS_ACCESS_KEY_ID": "AKIAREAL", "AWS_PROFILE": "prod"}
    export_target(AwsTarget("eu-west-1"), environ, local=False)
    assert environ == {
        "AWS_ACCESS_KEY_ID": "AKIAREAL",
        "AWS_PROFILE": "prod",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }
