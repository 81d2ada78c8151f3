"""AWS::ApiGateway::Method with any integration, method responses and integration responses.

moto's Method model reads `Integration.IntegrationHttpMethod` and `Integration.Uri` as required
and drops the rest, so the MOCK integrations CDK emits for CORS preflight (`OPTIONS`, no
IntegrationHttpMethod, no Uri) fail with `KeyError: 'IntegrationHttpMethod'`, and methods lose
their request/response mappings. CloudFormation creates the method, its method responses, its
integration (only HTTP/AWS types need an integration method) and the integration responses.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix


def _create_from_cloudformation_json(
    cls: Any,
    /,
    resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
    **_: Any,
) -> Any:
    from moto.apigateway.models import apigateway_backends

    properties = cloudformation_json["Properties"]
    backend = apigateway_backends[account_id][region_name]
    api_id, resource_id, http_method = (
        properties["RestApiId"],
        properties["ResourceId"],
        properties["HttpMethod"],
    )
    method = backend.put_method(
        function_id=api_id,
        resource_id=resource_id,
        method_type=http_method,
        authorization_type=properties.get("AuthorizationType", "NONE"),
        api_key_required=properties.get("ApiKeyRequired"),
        request_parameters=properties.get("RequestParameters"),
        request_models=properties.get("RequestModels"),
        operation_name=properties.get("OperationName"),
        authorizer_id=properties.get("AuthorizerId"),
        authorization_scopes=properties.get("AuthorizationScopes"),
        request_validator_id=properties.get("RequestValidatorId"),
    )
    for response in properties.get("MethodResponses", []):
        backend.put_method_response(
            api_id,
            resource_id,
            http_method,
            str(response["StatusCode"]),
            response.get("ResponseModels"),
            response.get("ResponseParameters"),
        )
    integration = properties.get("Integration")
    if integration:
        backend.put_integration(
            function_id=api_id,
            resource_id=resource_id,
            method_type=http_method,
            integration_type=integration["Type"],
            uri=integration.get("Uri", ""),
            integration_method=integration.get("IntegrationHttpMethod"),
            credentials=integration.get("Credentials"),
            request_templates=integration.get("RequestTemplates"),
            passthrough_behavior=integration.get("PassthroughBehavior"),
            timeout_in_millis=integration.get("TimeoutInMillis"),
            request_parameters=integration.get("RequestParameters"),
            content_handling=integration.get("ContentHandling"),
            connection_type=integration.get("ConnectionType"),
        )
        for response in integration.get("IntegrationResponses", []):
            backend.put_integration_response(
                api_id,
                resource_id,
                http_method,
                str(response["StatusCode"]),
                response.get("SelectionPattern"),
                response.get("ResponseTemplates"),
                response.get("ResponseParameters"),
                response.get("ContentHandling"),
            )
    return method


def _install() -> None:
    from moto.apigateway.models import Method

    Method.create_from_cloudformation_json = classmethod(_create_from_cloudformation_json)  # type: ignore[assignment,method-assign]


FIX = Fix(
    name="apigateway_method_integration",
    description="ApiGateway::Method accepts MOCK integrations (CDK CORS preflight) and keeps its responses",
    install=_install,
)
