"""A template's `Layers` and `LoggingConfig` reach the function, which imports from its layer and
logs to its own group."""

from __future__ import annotations

from typing import Any

from runner.polling import eventually
from tests.support.aws import zipped

from .cfn_testkit import EngineUnderTest, engine_without, lambda_resources, unique

HANDLER = """
import shared_greeting

def handler(event, context):
    print("greeting", shared_greeting.GREETING)
    return {"greeting": shared_greeting.GREETING, "log_group": context.log_group_name}
"""


def _template(engine: EngineUnderTest, log_group: str) -> dict[str, Any]:
    bucket, key = unique("layers"), "layer.zip"
    s3 = engine.client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=zipped({"python/shared_greeting.py": 'GREETING = "hello from the layer"\n'}),
    )
    resources = lambda_resources(HANDLER)
    resources["Layer"] = {
        "Type": "AWS::Lambda::LayerVersion",
        "Properties": {"Content": {"S3Bucket": bucket, "S3Key": key}, "CompatibleRuntimes": ["python3.12"]},
    }
    resources["Logs"] = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": log_group}}
    resources["Handler"]["Properties"]["Layers"] = [{"Ref": "Layer"}]
    resources["Handler"]["Properties"]["LoggingConfig"] = {"LogGroup": {"Ref": "Logs"}}
    return {
        "Resources": resources,
        "Outputs": {"Function": {"Value": {"Ref": "Handler"}}, "Layer": {"Value": {"Ref": "Layer"}}},
    }


def test_a_functions_layers_and_log_group_from_the_template_are_kept(engine: EngineUnderTest) -> None:
    log_group = f"/app/{unique('reserve')}"
    name = unique("layered")
    engine.create_stack(_template(engine, log_group), StackName=name)
    outputs = engine.outputs(name)
    configuration = engine.client("lambda").get_function_configuration(FunctionName=outputs["Function"])

    assert [layer["Arn"] for layer in configuration["Layers"]] == [outputs["Layer"]]
    assert configuration["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": log_group}


def test_the_function_imports_from_its_layer_and_logs_to_its_own_group(local_engine: Any) -> None:
    engine = EngineUnderTest(url=local_engine.url)
    log_group = f"/app/{unique('reserve')}"
    name = unique("layered")
    engine.create_stack(_template(engine, log_group), StackName=name)
    function = engine.outputs(name)["Function"]

    answer = engine.client("lambda").invoke(FunctionName=function)["Payload"].read()

    assert b'"greeting": "hello from the layer"' in answer
    assert log_group.encode() in answer
    logs = engine.client("logs")
    messages = eventually(
        lambda: [e["message"] for e in logs.filter_log_events(logGroupName=log_group)["events"]],
        until=lambda found: any(message.startswith("REPORT") for message in found),
        timeout=30,
        description=f"REPORT line in {log_group}",
    )
    assert any("hello from the layer" in message for message in messages)
    default_group = logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{function}")["logGroups"]
    assert default_group == []


def test_without_its_patch_a_given_logging_config_comes_back_without_its_format() -> None:
    with engine_without("lambda_logging_config_defaults") as stock:
        log_group = f"/app/{unique('reserve')}"
        name = unique("layered")
        stock.create_stack(_template(stock, log_group), StackName=name)

        configuration = stock.client("lambda").get_function_configuration(
            FunctionName=stock.outputs(name)["Function"]
        )

    assert configuration["LoggingConfig"] == {"LogGroup": log_group}
