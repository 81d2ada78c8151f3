"""Front doors: a REST API (Lambda proxy + an SQS-backed method), an HTTP API and a function URL."""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs

HANDLERS = Path(__file__).parent / "handlers"


class ApiFrontStack(cdk.Stack):
    def __init__(self, scope: cdk.App, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        catalog = lambda_.Function(
            self,
            "Catalog",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="app.handler",
            code=lambda_.Code.from_asset(str(HANDLERS / "catalog")),
            log_retention=logs.RetentionDays.ONE_WEEK,
        )
        api = apigw.LambdaRestApi(self, "CatalogApi", handler=catalog, proxy=False)
        items = api.root.add_resource("items")
        items.add_method("GET")
        items.add_resource("{item_id}").add_method("GET")

        orders = sqs.Queue(self, "Orders")
        api_role = iam.Role(self, "ApiToSqs", assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"))
        orders.grant_send_messages(api_role)
        api.root.add_resource("orders").add_method(
            "POST",
            apigw.AwsIntegration(
                service="sqs",
                path=f"{self.account}/{orders.queue_name}",
                integration_http_method="POST",
                options=apigw.IntegrationOptions(
                    credentials_role=api_role,
                    request_parameters={
                        "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"
                    },
                    request_templates={
                        "application/json": "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"
                    },
                    integration_responses=[
                        apigw.IntegrationResponse(
                            status_code="202", response_templates={"application/json": '{"queued": true}'}
                        )
                    ],
                ),
            ),
            method_responses=[apigw.MethodResponse(status_code="202")],
        )

        greeter = lambda_.Function(
            self,
            "Greeter",
            runtime=lambda_.Runtime.NODEJS_20_X,
            handler="index.handler",
            code=lambda_.Code.from_asset(str(HANDLERS / "greeter")),
            log_retention=logs.RetentionDays.THREE_DAYS,
        )
        http_api = apigwv2.HttpApi(self, "GreeterApi")
        http_api.add_routes(
            path="/hello/{name}",
            methods=[apigwv2.HttpMethod.GET],
            integration=integrations.HttpLambdaIntegration("Greet", greeter),
        )

        clock = lambda_.Function(
            self,
            "Clock",
            runtime=lambda_.Runtime.NODEJS_22_X,
            handler="index.handler",
            code=lambda_.Code.from_inline(
                "exports.handler = async (event) => ({\n"
                "  statusCode: 200,\n"
                "  headers: { 'content-type': 'application/json' },\n"
                "  body: JSON.stringify({ now: Date.now(), path: event.rawPath }),\n"
                "});\n"
            ),
        )
        clock_url = clock.add_function_url(auth_type=lambda_.FunctionUrlAuthType.NONE)

        cdk.CfnOutput(self, "CatalogApiUrl", value=api.url)
        cdk.CfnOutput(self, "GreeterApiUrl", value=http_api.api_endpoint)
        cdk.CfnOutput(self, "ClockUrl", value=clock_url.url)
        cdk.CfnOutput(self, "OrdersQueueUrl", value=orders.queue_url)
        cdk.CfnOutput(self, "CatalogFunctionName", value=catalog.function_name)


app = cdk.App()
ApiFrontStack(app, "ApiFront")
app.synth()
