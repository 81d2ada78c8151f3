"""Event-driven consumers: a DynamoDB stream, an SQS queue, an SNS topic, S3 uploads and a schedule,
each feeding a Lambda function that records what it saw in one table."""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

HANDLERS = Path(__file__).parent / "handlers"


class EventTriggersStack(cdk.Stack):
    def __init__(self, scope: cdk.App, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        seen = dynamodb.Table(
            self,
            "Seen",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        recorder = lambda_.Function(
            self,
            "Recorder",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="recorder.handler",
            code=lambda_.Code.from_asset(str(HANDLERS / "recorder")),
            environment={"SEEN_TABLE": seen.table_name},
            log_retention=logs.RetentionDays.ONE_WEEK,
        )
        seen.grant_read_write_data(recorder)

        jobs = sqs.Queue(self, "Jobs", visibility_timeout=cdk.Duration.seconds(30))
        recorder.add_event_source(sources.SqsEventSource(jobs, batch_size=5))

        alerts = sns.Topic(self, "Alerts")
        alerts.add_subscription(subscriptions.LambdaSubscription(recorder))

        uploads = s3.Bucket(
            self,
            "Uploads",
            removal_policy=cdk.RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )
        uploads.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3n.LambdaDestination(recorder),
            s3.NotificationKeyFilter(prefix="incoming/"),
        )

        profiles = dynamodb.Table(
            self,
            "Profiles",
            partition_key=dynamodb.Attribute(name="userId", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        stream_reader = lambda_.Function(
            self,
            "StreamReader",
            runtime=lambda_.Runtime.NODEJS_20_X,
            handler="index.onChange",
            code=lambda_.Code.from_asset(str(HANDLERS / "stream")),
            environment={"SEEN_TABLE": seen.table_name},
            log_retention=logs.RetentionDays.ONE_WEEK,
        )
        seen.grant_read_write_data(stream_reader)
        stream_reader.add_event_source(
            sources.DynamoEventSource(
                profiles, starting_position=lambda_.StartingPosition.TRIM_HORIZON, batch_size=10
            )
        )

        ticker = lambda_.Function(
            self,
            "Ticker",
            runtime=lambda_.Runtime.NODEJS_22_X,
            handler="index.onTick",
            code=lambda_.Code.from_asset(str(HANDLERS / "stream")),
            environment={"SEEN_TABLE": seen.table_name},
        )
        seen.grant_read_write_data(ticker)
        events.Rule(
            self,
            "EveryMinute",
            schedule=events.Schedule.rate(cdk.Duration.minutes(1)),
            targets=[targets.LambdaFunction(ticker)],
        )

        cdk.CfnOutput(self, "SeenTable", value=seen.table_name)
        cdk.CfnOutput(self, "JobsQueueUrl", value=jobs.queue_url)
        cdk.CfnOutput(self, "AlertsTopicArn", value=alerts.topic_arn)
        cdk.CfnOutput(self, "UploadsBucket", value=uploads.bucket_name)
        cdk.CfnOutput(self, "ProfilesTable", value=profiles.table_name)


app = cdk.App()
stack = EventTriggersStack(app, "EventTriggers")
cdk.Tags.of(stack).add("team", "fidelity")
app.synth()
