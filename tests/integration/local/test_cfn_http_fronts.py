"""HTTP fronts CDK templates use: an API Gateway CORS preflight method and a Lambda function URL."""

from __future__ import annotations

import pytest

from .cfn_testkit import EngineUnderTest, lambda_resources, unique


def test_cors_preflight_method_with_a_mock_integration_creates(engine: EngineUnderTest) -> None:
    """The OPTIONS method CDK emits for `default_cors_preflight_options`."""
    template = {
        "Resources": {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": unique("api")}},
            "Options": {
                "Type": "AWS::ApiGateway::Method",
                "Properties": {
                    "HttpMethod": "OPTIONS",
                    "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                    "RestApiId": {"Ref": "Api"},
                    "AuthorizationType": "NONE",
                    "Integration": {
                        "Type": "MOCK",
                        "RequestTemplates": {"application/json": "{ statusCode: 200 }"},
                        "IntegrationResponses": [
                            {
                                "StatusCode": "204",
                                "ResponseParameters": {
                                    "method.response.header.Access-Control-Allow-Origin": "'*'"
                                },
                            }
                        ],
                    },
                    "MethodResponses": [
                        {
                            "StatusCode": "204",
                            "ResponseParameters": {
                                "method.response.header.Access-Control-Allow-Origin": True
                            },
                        }
                    ],
                },
            },
        },
        "Outputs": {
            "ApiId": {"Value": {"Ref": "Api"}},
            "RootId": {"Value": {"Fn::GetAtt": ["Api", "RootResourceId"]}},
        },
    }
    name = unique("cors")
    engine.create_stack(template, StackName=name)
    assert engine.stack(name)["StackStatus"] == "CREATE_COMPLETE"
    outputs = engine.outputs(name)
    method = engine.client("apigateway").get_method(
        restApiId=outputs["ApiId"], resourceId=outputs["RootId"], httpMethod="OPTIONS"
    )
    assert method["methodIntegration"]["type"] == "MOCK"
    assert list(method["methodIntegration"]["integrationResponses"]) == ["204"]
    assert list(method["methodResponses"]) == ["204"]


@pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")
def test_a_function_url_output_is_the_functions_url(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            **lambda_resources("def handler(event, context):\n    return None\n"),
            "Url": {
                "Type": "AWS::Lambda::Url",
                "Properties": {"AuthType": "NONE", "TargetFunctionArn": {"Fn::GetAtt": ["Handler", "Arn"]}},
            },
        },
        "Outputs": {
            "FunctionName": {"Value": {"Ref": "Handler"}},
            "FunctionUrl": {"Value": {"Fn::GetAtt": ["Url", "FunctionUrl"]}},
        },
    }
    name = unique("url-output")
    engine.create_stack(template, StackName=name)
    assert engine.stack(name)["StackStatus"] == "CREATE_COMPLETE"
    url = engine.outputs(name)["FunctionUrl"]
    assert url.startswith("https://")
    assert url.endswith(f".lambda-url.{engine.client('lambda').meta.region_name}.on.aws/")
