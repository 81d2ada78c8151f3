"""The stack name comes from the documented context key."""

from typing import Any

from .conftest import STACK_NAME, Synthesized


def test_stack_name_comes_from_the_context_key(synthesized: Synthesized) -> None:
    assert synthesized.stack.stack_name == STACK_NAME


def test_stack_name_defaults_when_the_context_key_is_absent_or_blank(example_app: Any) -> None:
    import aws_cdk as cdk

    key = example_app.STACK_NAME_CONTEXT_KEY
    assert key == "serverless-pr-test:stack-name"
    assert example_app.stack_name_of(cdk.App()) == "inventory-dev"
    assert example_app.stack_name_of(cdk.App(context={key: " "})) == "inventory-dev"
    assert example_app.stack_name_of(cdk.App(context={key: "shop-pr-7"})) == "shop-pr-7"
