"""The `stack` fixture from stack names: outputs and tags read with describe_stacks."""

from __future__ import annotations

import json

import pytest

from runner.errors import StackNotFoundError
from runner.testing.stack import stack_from_names


def template(queue_output_key):
    return json.dumps(
        {
            "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
            "Outputs": {
                queue_output_key: {"Value": {"Ref": "Queue"}},
                "Shared": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}},
            },
        }
    )


@pytest.fixture
def two_stacks(aws, unique_name):
    names = [unique_name("shop-pr-3-data"), unique_name("shop-pr-3-api")]
    for name, key in zip(names, ("DataQueue", "ApiQueue"), strict=True):
        aws("cloudformation").create_stack(
            StackName=name,
            TemplateBody=template(key),
            Tags=[{"Key": "serverless-pr-test:managed", "Value": "true"}],
        )
    return names


def test_outputs_of_named_stacks_are_merged_with_clashing_keys_qualified(endpoint, two_stacks):
    env = {"AWS_ENDPOINT_URL": endpoint.url, "AWS_REGION": endpoint.region}
    stack = stack_from_names(two_stacks, "run-1", env)
    data, api = two_stacks
    assert set(stack.outputs) == {"DataQueue", "ApiQueue", f"{data}.Shared", f"{api}.Shared"}
    assert stack.stack_tags == {"serverless-pr-test:managed": "true"}
    assert stack.client("sqs").get_queue_url(QueueName=stack["DataQueue"].rsplit("/", 1)[-1])


def test_an_unknown_stack_name_is_a_clear_error(endpoint):
    env = {"AWS_ENDPOINT_URL": endpoint.url, "AWS_REGION": endpoint.region}
    with pytest.raises(StackNotFoundError, match="stack 'no-such-stack' not found in us-east-1"):
        stack_from_names(["no-such-stack"], "run-1", env)


def test_the_fixture_reads_named_stacks_given_as_options(pytester, endpoint, two_stacks, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint.url)
    pytester.makepyfile(
        """
        def test_outputs(stack):
            assert stack["DataQueue"] and stack["ApiQueue"]
        """
    )
    args = [f"--spt-stack-name={name}" for name in two_stacks]
    pytester.runpytest(*args).assert_outcomes(passed=1)
