"""The REST API in front of the app: reservations and stock (one function), orders (another)."""

from __future__ import annotations

from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_
from constructs import Construct


class InventoryApi(Construct):
    """POST /reservations, GET /reservations/{key}, GET /stock/{sku}, POST /orders, GET /orders/{order_id},
    each a Lambda proxy integration."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        reservations_handler: lambda_.IFunction,
        orders_handler: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        self.rest_api = apigateway.RestApi(
            self,
            "RestApi",
            description="Inventory reservations and orders",
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            deploy_options=apigateway.StageOptions(
                stage_name="v1", throttling_rate_limit=100, throttling_burst_limit=200
            ),
            # API Gateway's CloudWatch role is one setting per account and region: a per-PR stack must
            # not own it (deleting the stack would take it from every other API in the account).
            cloud_watch_role=False,
        )
        reservations = apigateway.LambdaIntegration(reservations_handler)
        orders = apigateway.LambdaIntegration(orders_handler)
        root = self.rest_api.root

        reservations_resource = root.add_resource("reservations")
        reservations_resource.add_method("POST", reservations)
        reservations_resource.add_resource("{key}").add_method("GET", reservations)
        root.add_resource("stock").add_resource("{sku}").add_method("GET", reservations)

        orders_resource = root.add_resource("orders")
        orders_resource.add_method("POST", orders)
        orders_resource.add_resource("{order_id}").add_method("GET", orders)

    @property
    def url(self) -> str:
        return self.rest_api.url
