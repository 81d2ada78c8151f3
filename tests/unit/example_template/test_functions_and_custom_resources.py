"""The functions' runtimes and log groups, and the custom resources that seed and empty the app."""

from typing import Any

from .conftest import _function, _table


def test_functions_are_python_except_the_nodejs_ship_step_and_log_to_retained_groups(
    resources: dict[str, dict[str, Any]],
) -> None:
    functions = {
        logical_id: resource["Properties"]
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::Lambda::Function"
    }
    own = {logical_id: props for logical_id, props in functions.items() if "LoggingConfig" in props}
    runtimes = {props["Handler"]: props["Runtime"] for props in own.values()}
    log_groups = {
        logical_id: resource["Properties"]
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::Logs::LogGroup"
    }

    assert runtimes.pop("index.handler") == "nodejs22.x"
    assert set(runtimes.values()) == {"python3.11"}
    for props in own.values():
        log_group = props["LoggingConfig"]["LogGroup"]["Ref"]
        assert log_groups[log_group]["RetentionInDays"] == 7


def test_custom_resources_are_the_seed_and_cdks_own_bucket_emptier(
    resources: dict[str, dict[str, Any]],
) -> None:
    custom_types = {
        resource["Type"] for resource in resources.values() if resource["Type"].startswith("Custom::")
    }

    assert custom_types == {"Custom::SeedStock", "Custom::S3AutoDeleteObjects"}


def test_seed_custom_resource_is_served_directly_by_the_python_seed_function(
    resources: dict[str, dict[str, Any]],
) -> None:
    seed_function = _function(resources, "seed_stock.handler")
    (seed,) = [resource for resource in resources.values() if resource["Type"] == "Custom::SeedStock"]

    assert seed["Properties"]["ServiceToken"] == {"Fn::GetAtt": [seed_function, "Arn"]}
    assert seed["Properties"]["TableName"] == {"Ref": _table(resources, "sku")}
    assert {entry["sku"] for entry in seed["Properties"]["Stock"]} == {
        "SKU-MUG-RED",
        "SKU-MUG-BLUE",
        "SKU-TEE-M",
    }
