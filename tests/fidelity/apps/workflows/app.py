"""Order pricing as Step Functions workflows: a standard state machine with Lambda, SQS, SNS, DynamoDB
and EventBridge tasks (Wait, Map, Retry, Catch, Choice, Parallel) started by an EventBridge rule, and
an express state machine called synchronously."""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks

HANDLERS = Path(__file__).parent / "handlers"
SOURCE = "fidelity.shop"


class WorkflowsStack(cdk.Stack):
    def __init__(self, scope: cdk.App, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        orders = dynamodb.Table(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        shipments = sqs.Queue(self, "Shipments")
        reviews = sns.Topic(self, "Reviews")
        review_inbox = sqs.Queue(self, "ReviewInbox")
        reviews.add_subscription(subscriptions.SqsSubscription(review_inbox, raw_message_delivery=True))
        audit = sqs.Queue(self, "Audit")
        events.Rule(
            self,
            "AuditPriced",
            event_pattern=events.EventPattern(source=[SOURCE], detail_type=["OrderPriced"]),
            targets=[targets.SqsQueue(audit)],
        )

        line_total = lambda_.Function(
            self,
            "LineTotal",
            runtime=lambda_.Runtime.NODEJS_18_X,
            handler="index.handler",
            code=lambda_.Code.from_asset(str(HANDLERS / "line_total")),
            log_retention=logs.RetentionDays.ONE_DAY,
        )
        price = lambda_.Function(
            self,
            "Price",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="handler.price",
            code=lambda_.Code.from_asset(str(HANDLERS / "price")),
            log_retention=logs.RetentionDays.ONE_DAY,
        )

        lines = sfn.Map(
            self,
            "PriceEachLine",
            items_path="$.items",
            result_path="$.lines",
            max_concurrency=2,
        ).item_processor(
            tasks.LambdaInvoke(self, "LineTotalTask", lambda_function=line_total, payload_response_only=True)
        )
        total = tasks.LambdaInvoke(
            self,
            "TotalTask",
            lambda_function=price,
            payload=sfn.TaskInput.from_object(
                {
                    "lines": sfn.JsonPath.list_at("$.lines"),
                    "attempt": sfn.JsonPath.number_at("$$.State.RetryCount"),
                }
            ),
            result_selector={"total.$": "$.Payload.total", "attempts.$": "$.Payload.attempts"},
            result_path="$.priced",
        )
        total.add_retry(
            errors=["TransientError"], interval=cdk.Duration.seconds(1), max_attempts=2, backoff_rate=1
        )
        rejected = sfn.Pass(
            self,
            "Rejected",
            parameters={"orderId.$": "$.orderId", "status": "rejected", "reason.$": "$.error.Error"},
        )
        total.add_catch(rejected, errors=["PriceUnavailable"], result_path="$.error")

        review = tasks.SnsPublish(
            self,
            "AskForReview",
            topic=reviews,
            message=sfn.TaskInput.from_object(
                {
                    "orderId": sfn.JsonPath.string_at("$.orderId"),
                    "total": sfn.JsonPath.number_at("$.priced.total"),
                }
            ),
            result_path=sfn.JsonPath.DISCARD,
        )
        fulfil = sfn.Parallel(self, "Fulfil", result_path=sfn.JsonPath.DISCARD)
        fulfil.branch(
            tasks.SqsSendMessage(
                self,
                "Ship",
                queue=shipments,
                message_body=sfn.TaskInput.from_object({"orderId": sfn.JsonPath.string_at("$.orderId")}),
            )
        )
        fulfil.branch(
            tasks.DynamoPutItem(
                self,
                "Record",
                table=orders,
                item={
                    "orderId": tasks.DynamoAttributeValue.from_string(sfn.JsonPath.string_at("$.orderId")),
                    "total": tasks.DynamoAttributeValue.number_from_string(
                        sfn.JsonPath.format("{}", sfn.JsonPath.string_at("$.priced.total"))
                    ),
                },
            )
        )
        announce = tasks.EventBridgePutEvents(
            self,
            "Announce",
            entries=[
                tasks.EventBridgePutEventsEntry(
                    source=SOURCE,
                    detail_type="OrderPriced",
                    detail=sfn.TaskInput.from_object(
                        {
                            "orderId": sfn.JsonPath.string_at("$.orderId"),
                            "total": sfn.JsonPath.number_at("$.priced.total"),
                        }
                    ),
                )
            ],
            result_path=sfn.JsonPath.DISCARD,
        )
        done = sfn.Pass(
            self,
            "Priced",
            parameters={
                "orderId.$": "$.orderId",
                "status": "priced",
                "total.$": "$.priced.total",
                "attempts.$": "$.priced.attempts",
            },
        )
        route = (
            sfn.Choice(self, "BigOrder?")
            .when(sfn.Condition.number_greater_than("$.priced.total", 100), review.next(done))
            .otherwise(fulfil.next(announce).next(done))
        )
        definition = (
            sfn.Wait(self, "Settle", time=sfn.WaitTime.duration(cdk.Duration.seconds(1)))
            .next(lines)
            .next(total)
            .next(route)
        )
        pricing = sfn.StateMachine(
            self, "Pricing", definition_body=sfn.DefinitionBody.from_chainable(definition)
        )

        events.Rule(
            self,
            "PriceNewOrders",
            event_pattern=events.EventPattern(source=[SOURCE], detail_type=["OrderPlaced"]),
            targets=[
                targets.SfnStateMachine(pricing, input=events.RuleTargetInput.from_event_path("$.detail"))
            ],
        )

        quote = sfn.StateMachine(
            self,
            "Quote",
            state_machine_type=sfn.StateMachineType.EXPRESS,
            definition_body=sfn.DefinitionBody.from_chainable(
                tasks.LambdaInvoke(self, "QuoteLine", lambda_function=line_total, payload_response_only=True)
            ),
        )

        cdk.CfnOutput(self, "PricingArn", value=pricing.state_machine_arn)
        cdk.CfnOutput(self, "QuoteArn", value=quote.state_machine_arn)
        cdk.CfnOutput(self, "OrdersTable", value=orders.table_name)
        cdk.CfnOutput(self, "ShipmentsQueueUrl", value=shipments.queue_url)
        cdk.CfnOutput(self, "ReviewInboxUrl", value=review_inbox.queue_url)
        cdk.CfnOutput(self, "AuditQueueUrl", value=audit.queue_url)


app = cdk.App()
WorkflowsStack(app, "Workflows")
app.synth()
