"""The REST API's routes and the order saga's compensation."""

import json
from typing import Any

from .conftest import _function


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
