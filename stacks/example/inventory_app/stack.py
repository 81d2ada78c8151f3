"""The inventory reservations stack: a REST API front door, the order saga, tables, and the event
wiring between them.

API ─POST /reservations─► Reserve (in-process) ─┬─► Reservations table ─stream─┐
    ─POST /orders──► OrderSaga (Step Functions) │   Inventory table ───stream─┤
      Reserve ► Charge ► Ship ► OrderShipped ───┼──► custom bus               ▼
      (compensation: Refund, ReleaseStock)      │                         Publisher
ReserveStock event (custom bus) ─► Reserve ─────┘                             │
StockReserved (custom bus, rule) ─► Downstream queue ◄────────────────────────┤
LowStock topic (subscription) ─► Alerts queue ◄───────────────────────────────┘
Ship ─► Labels bucket (shipping labels)
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from inventory_app.api import InventoryApi
from inventory_app.functions import node_function, python_function
from inventory_app.saga import OrderSaga
from inventory_app.seed import SeedStock

EVENT_SOURCE = "inventory.reservations"
STOCK_RESERVED = "StockReserved"
RESERVE_STOCK_COMMAND = "ReserveStock"
DEFAULT_LOW_STOCK_THRESHOLD = 5


class InventoryStack(cdk.Stack):
    def __init__(
        self,
        scope: Construct,
        stack_name: str,
        *,
        low_stock_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD,
    ) -> None:
        super().__init__(
            scope,
            stack_name,
            stack_name=stack_name,
            description="Inventory reservations demo app (serverless-pr-test)",
        )
        inventory = _table(self, "Inventory", "sku", dynamodb.StreamViewType.NEW_AND_OLD_IMAGES)
        reservations = _table(self, "Reservations", "idempotency_key", dynamodb.StreamViewType.NEW_IMAGE)
        bus = events.EventBus(self, "Bus")
        downstream = sqs.Queue(self, "Downstream", retention_period=cdk.Duration.days(1))
        alerts = sqs.Queue(self, "Alerts", retention_period=cdk.Duration.days(1))
        low_stock = sns.Topic(self, "LowStock")
        labels = s3.Bucket(
            self,
            "Labels",
            # Per-PR stacks are short-lived: the bucket and the labels in it go with the stack.
            removal_policy=cdk.RemovalPolicy.DESTROY,
            auto_delete_objects=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
        )

        tables_env = {
            "INVENTORY_TABLE_NAME": inventory.table_name,
            "RESERVATIONS_TABLE_NAME": reservations.table_name,
        }
        reserve = python_function(self, "Reserve", handler="reserve.handler", environment=tables_env)
        release = python_function(self, "ReleaseStock", handler="release.handler", environment=tables_env)
        reservations_api = python_function(
            self, "ReservationsApi", handler="reservations_api.handler", environment=tables_env
        )
        for function in (reserve, release, reservations_api):
            inventory.grant_read_write_data(function)
            reservations.grant_read_write_data(function)

        update_stock = python_function(
            self, "UpdateStock", handler="update_stock.handler", environment=tables_env
        )
        inventory.grant_read_write_data(update_stock)

        publisher = python_function(
            self,
            "Publisher",
            handler="publisher.handler",
            environment={
                **tables_env,
                "EVENT_BUS_NAME": bus.event_bus_name,
                "LOW_STOCK_TOPIC_ARN": low_stock.topic_arn,
                "LOW_STOCK_THRESHOLD": str(low_stock_threshold),
            },
        )
        bus.grant_put_events_to(publisher)
        low_stock.grant_publish(publisher)
        for table in (reservations, inventory):
            publisher.add_event_source(_stream_source(table))

        charge = python_function(self, "Charge", handler="payment.charge")
        refund = python_function(self, "Refund", handler="payment.refund")
        ship = node_function(
            self, "Ship", handler="index.handler", environment={"LABELS_BUCKET_NAME": labels.bucket_name}
        )
        labels.grant_put(ship)
        saga = OrderSaga(
            self,
            "OrderSaga",
            reserve=reserve,
            charge=charge,
            ship=ship,
            refund=refund,
            release=release,
            bus=bus,
        )
        orders_api = python_function(
            self,
            "OrdersApi",
            handler="orders_api.handler",
            environment={"ORDER_SAGA_ARN": saga.state_machine.state_machine_arn},
        )
        saga.state_machine.grant_start_execution(orders_api)
        saga.state_machine.grant_read(orders_api)
        api = InventoryApi(self, "Api", reservations_handler=reservations_api, orders_handler=orders_api)

        events.Rule(
            self,
            "StockReservedToDownstream",
            event_bus=bus,
            event_pattern=events.EventPattern(source=[EVENT_SOURCE], detail_type=[STOCK_RESERVED]),
            targets=[targets.SqsQueue(downstream)],
        )
        events.Rule(
            self,
            "ReserveStockCommand",
            event_bus=bus,
            event_pattern=events.EventPattern(detail_type=[RESERVE_STOCK_COMMAND]),
            targets=[targets.LambdaFunction(reserve, retry_attempts=2)],
        )
        low_stock.add_subscription(subscriptions.SqsSubscription(alerts))

        seed = SeedStock(self, "SeedStock", table=inventory)

        outputs = {
            "ApiUrl": api.url,
            "OrderSagaArn": saga.state_machine.state_machine_arn,
            "InventoryTableName": inventory.table_name,
            "ReservationsTableName": reservations.table_name,
            "ReserveFunctionName": reserve.function_name,
            "UpdateStockFunctionName": update_stock.function_name,
            "PublisherFunctionName": publisher.function_name,
            "SeedStockFunctionName": seed.function.function_name,
            "EventBusName": bus.event_bus_name,
            "DownstreamQueueUrl": downstream.queue_url,
            "AlertsQueueUrl": alerts.queue_url,
            "LowStockTopicArn": low_stock.topic_arn,
            "LabelsBucketName": labels.bucket_name,
            "LowStockThreshold": str(low_stock_threshold),
            "InitialStock": SeedStock.initial_stock_json(),
        }
        for key, value in outputs.items():
            cdk.CfnOutput(self, key, value=value)


def _table(
    scope: Construct, construct_id: str, partition_key: str, stream: dynamodb.StreamViewType
) -> dynamodb.Table:
    return dynamodb.Table(
        scope,
        construct_id,
        partition_key=dynamodb.Attribute(name=partition_key, type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        stream=stream,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )


def _stream_source(table: dynamodb.Table) -> event_sources.DynamoEventSource:
    return event_sources.DynamoEventSource(
        table,
        # TRIM_HORIZON: records written between table creation and the mapping going live still count.
        starting_position=lambda_.StartingPosition.TRIM_HORIZON,
        batch_size=10,
        retry_attempts=5,
        report_batch_item_failures=True,
    )
