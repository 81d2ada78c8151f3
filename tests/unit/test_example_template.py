"""The example app's template (stacks/example), synthesized in-process once per session: the wiring the
integration tests rely on (API routes, the order saga, events), clean-up on delete, and the stack name
from the documented context key."""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "stacks" / "example"
STACK_NAME = "shop-pr-12"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is being built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def example_app() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(EXAMPLE_DIR))  # the app imports its own `inventory_app` package
        yield _load(EXAMPLE_DIR / "app.py", "example_inventory_app")
    for name in [
        name for name in sys.modules if name == "inventory_app" or name.startswith("inventory_app.")
    ]:
        del sys.modules[name]


@dataclass(frozen=True)
class Synthesized:
    stack: Any
    template: Any  # aws_cdk.assertions.Template
    template_json: dict[str, Any]


@pytest.fixture(scope="session")
def synthesized(example_app: Any, tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    from aws_cdk.assertions import Template

    app = example_app.build_app(
        {example_app.STACK_NAME_CONTEXT_KEY: STACK_NAME}, outdir=str(tmp_path_factory.mktemp("cdk.out"))
    )
    (stack,) = [child for child in app.node.children if hasattr(child, "stack_name")]
    template = Template.from_stack(stack)
    return Synthesized(stack, template, dict(template.to_json()))


@pytest.fixture(scope="session")
def template(synthesized: Synthesized) -> Any:
    return synthesized.template


@pytest.fixture(scope="session")
def resources(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    resources_by_id: dict[str, dict[str, Any]] = synthesized.template_json["Resources"]
    return resources_by_id


def _only(resources: dict[str, dict[str, Any]], resource_type: str, **properties: Any) -> str:
    """The logical id of the one resource of `resource_type` whose properties include `properties`."""
    matches = [
        logical_id
        for logical_id, resource in resources.items()
        if resource["Type"] == resource_type
        and all(resource.get("Properties", {}).get(key) == value for key, value in properties.items())
    ]
    assert len(matches) == 1, f"{resource_type} {properties}: {matches}"
    return matches[0]


def _function(resources: dict[str, dict[str, Any]], handler: str) -> str:
    return _only(resources, "AWS::Lambda::Function", Handler=handler)


def _table(resources: dict[str, dict[str, Any]], key: str) -> str:
    return _only(resources, "AWS::DynamoDB::Table", KeySchema=[{"AttributeName": key, "KeyType": "HASH"}])


def _queue(resources: dict[str, dict[str, Any]], construct_name: str) -> str:
    (logical_id,) = [
        logical_id
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::SQS::Queue" and logical_id.startswith(construct_name)
    ]
    return logical_id


def test_stack_name_comes_from_the_context_key(synthesized: Synthesized) -> None:
    assert synthesized.stack.stack_name == STACK_NAME


def test_stack_name_defaults_when_the_context_key_is_absent_or_blank(example_app: Any) -> None:
    import aws_cdk as cdk

    key = example_app.STACK_NAME_CONTEXT_KEY
    assert key == "serverless-pr-test:stack-name"
    assert example_app.stack_name_of(cdk.App()) == "inventory-dev"
    assert example_app.stack_name_of(cdk.App(context={key: " "})) == "inventory-dev"
    assert example_app.stack_name_of(cdk.App(context={key: "shop-pr-7"})) == "shop-pr-7"


def test_inventory_table_streams_new_and_old_images(template: Any) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": "sku", "KeyType": "HASH"}],
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
        },
    )


def test_reservations_table_is_keyed_by_idempotency_key_and_streams_new_items(template: Any) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": "idempotency_key", "KeyType": "HASH"}],
            "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
        },
    )


def test_publisher_reads_both_table_streams_with_partial_batch_failures(
    resources: dict[str, dict[str, Any]],
) -> None:
    publisher = _function(resources, "publisher.handler")
    mappings = [
        resource["Properties"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Lambda::EventSourceMapping"
    ]

    assert sorted(mapping["EventSourceArn"]["Fn::GetAtt"][0] for mapping in mappings) == sorted(
        [_table(resources, "sku"), _table(resources, "idempotency_key")]
    )
    for mapping in mappings:
        assert mapping["FunctionName"] == {"Ref": publisher}
        assert mapping["EventSourceArn"]["Fn::GetAtt"][1] == "StreamArn"
        assert mapping["StartingPosition"] == "TRIM_HORIZON"
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_stock_reserved_events_on_the_custom_bus_go_to_the_downstream_queue(
    resources: dict[str, dict[str, Any]],
) -> None:
    bus = _only(resources, "AWS::Events::EventBus")
    rule = resources[
        _only(
            resources,
            "AWS::Events::Rule",
            EventPattern={"source": ["inventory.reservations"], "detail-type": ["StockReserved"]},
        )
    ]["Properties"]

    assert rule["EventBusName"] == {"Ref": bus}
    assert [target["Arn"] for target in rule["Targets"]] == [
        {"Fn::GetAtt": [_queue(resources, "Downstream"), "Arn"]}
    ]


def test_reserve_stock_commands_on_the_custom_bus_invoke_reserve(
    resources: dict[str, dict[str, Any]],
) -> None:
    bus = _only(resources, "AWS::Events::EventBus")
    reserve = _function(resources, "reserve.handler")
    rule = resources[_only(resources, "AWS::Events::Rule", EventPattern={"detail-type": ["ReserveStock"]})]

    assert rule["Properties"]["EventBusName"] == {"Ref": bus}
    assert [target["Arn"] for target in rule["Properties"]["Targets"]] == [{"Fn::GetAtt": [reserve, "Arn"]}]
    _only(resources, "AWS::Lambda::Permission", Principal="events.amazonaws.com")


def test_low_stock_topic_delivers_to_the_alerts_queue(resources: dict[str, dict[str, Any]]) -> None:
    topic = _only(resources, "AWS::SNS::Topic")
    subscription = resources[_only(resources, "AWS::SNS::Subscription", Protocol="sqs")]["Properties"]

    assert subscription["TopicArn"] == {"Ref": topic}
    assert subscription["Endpoint"] == {"Fn::GetAtt": [_queue(resources, "Alerts"), "Arn"]}


def test_publisher_knows_the_bus_topic_and_default_threshold(resources: dict[str, dict[str, Any]]) -> None:
    publisher = resources[_function(resources, "publisher.handler")]["Properties"]
    variables = publisher["Environment"]["Variables"]

    assert variables["EVENT_BUS_NAME"] == {"Ref": _only(resources, "AWS::Events::EventBus")}
    assert variables["LOW_STOCK_TOPIC_ARN"] == {"Ref": _only(resources, "AWS::SNS::Topic")}
    assert variables["LOW_STOCK_THRESHOLD"] == "5"


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


def test_the_labels_bucket_empties_itself_when_the_stack_is_deleted(
    resources: dict[str, dict[str, Any]],
) -> None:
    bucket = _only(resources, "AWS::S3::Bucket")
    (auto_delete,) = [
        resource for resource in resources.values() if resource["Type"] == "Custom::S3AutoDeleteObjects"
    ]

    assert resources[bucket]["DeletionPolicy"] == "Delete"
    assert auto_delete["Properties"]["BucketName"] == {"Ref": bucket}


def test_the_api_routes_each_call_a_lambda_proxy_integration(
    resources: dict[str, dict[str, Any]],
) -> None:
    paths = {
        logical_id: resource["Properties"]["PathPart"]
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::ApiGateway::Resource"
    }
    routes: dict[tuple[str, str], tuple[str, str]] = {}
    for resource in resources.values():
        if resource["Type"] != "AWS::ApiGateway::Method":
            continue
        method = resource["Properties"]
        integration = method["Integration"]
        [target] = [
            part["Fn::GetAtt"][0] for part in integration["Uri"]["Fn::Join"][1] if "Fn::GetAtt" in part
        ]
        routes[(method["HttpMethod"], paths[method["ResourceId"]["Ref"]])] = (integration["Type"], target)

    reservations_api = _function(resources, "reservations_api.handler")
    orders_api = _function(resources, "orders_api.handler")
    assert routes == {
        ("POST", "reservations"): ("AWS_PROXY", reservations_api),
        ("GET", "{key}"): ("AWS_PROXY", reservations_api),
        ("GET", "{sku}"): ("AWS_PROXY", reservations_api),
        ("POST", "orders"): ("AWS_PROXY", orders_api),
        ("GET", "{order_id}"): ("AWS_PROXY", orders_api),
    }


def test_the_order_saga_compensates_a_failed_charge_or_shipment_in_reverse(
    resources: dict[str, dict[str, Any]],
) -> None:
    (machine,) = [
        resource for resource in resources.values() if resource["Type"] == "AWS::StepFunctions::StateMachine"
    ]
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    definition = json.loads("".join(part if isinstance(part, str) else "TOKEN" for part in parts))
    states = definition["States"]

    assert definition["StartAt"] == "Reserve"
    assert states["IsReserved"]["Choices"][0]["Next"] == "Charge"
    assert [states[name]["Next"] for name in ("Charge", "Ship", "PublishOrderShipped")] == [
        "Ship",
        "PublishOrderShipped",
        "OrderShipped",
    ]
    assert states["Charge"]["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "ReleaseStock"}
    ]
    assert states["Ship"]["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Refund"}
    ]
    assert (states["Refund"]["Next"], states["ReleaseStock"]["Next"]) == ("ReleaseStock", "OrderCancelled")
    assert {
        "ErrorEquals": ["PaymentGatewayTimeout"],
        "IntervalSeconds": 1,
        "MaxAttempts": 2,
        "BackoffRate": 2,
    } in states["Charge"]["Retry"]
    assert states["OrderCancelled"] == {
        "Type": "Fail",
        "ErrorPath": "$.error.Error",
        "CausePath": "$.error.Cause",
    }


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


def test_physical_names_are_left_to_cloudformation(resources: dict[str, dict[str, Any]]) -> None:
    name_properties = {
        "AWS::Lambda::Function": "FunctionName",
        "AWS::DynamoDB::Table": "TableName",
        "AWS::SQS::Queue": "QueueName",
        "AWS::SNS::Topic": "TopicName",
        "AWS::S3::Bucket": "BucketName",
        "AWS::IAM::Role": "RoleName",
        "AWS::Logs::LogGroup": "LogGroupName",
        "AWS::StepFunctions::StateMachine": "StateMachineName",
    }
    named = [
        logical_id
        for logical_id, resource in resources.items()
        if name_properties.get(resource["Type"]) in resource.get("Properties", {})
    ]
    assert named == []


def test_stateful_resources_are_deleted_with_the_stack(resources: dict[str, dict[str, Any]]) -> None:
    stateful = {
        "AWS::DynamoDB::Table",
        "AWS::S3::Bucket",
        "AWS::SQS::Queue",
        "AWS::Logs::LogGroup",
        "AWS::StepFunctions::StateMachine",
    }
    kept = [
        logical_id
        for logical_id, resource in resources.items()
        if resource["Type"] in stateful and resource.get("DeletionPolicy") != "Delete"
    ]
    assert kept == []


def test_outputs_hold_everything_the_integration_tests_read(
    synthesized: Synthesized,
) -> None:
    tests_api = _load(EXAMPLE_DIR / "tests" / "inventory_api.py", "example_inventory_tests_api")
    output_keys = set(synthesized.template_json["Outputs"])

    assert {field.name for field in fields(tests_api.StackOutputs)} <= output_keys
    assert {
        "ApiUrl",
        "OrderSagaArn",
        "InventoryTableName",
        "ReservationsTableName",
        "ReserveFunctionName",
        "UpdateStockFunctionName",
        "PublisherFunctionName",
        "EventBusName",
        "DownstreamQueueUrl",
        "AlertsQueueUrl",
        "LowStockTopicArn",
        "LabelsBucketName",
    } <= output_keys
