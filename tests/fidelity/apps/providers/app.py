"""Custom resources and delivery streams: an AwsCustomResource writing and reading an SSM parameter,
a Provider-framework resource with a Python handler, and a Firehose delivery stream to S3 fed by an
EventBridge rule."""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import custom_resources as cr

HANDLERS = Path(__file__).parent / "handlers"
SOURCE = "fidelity.clicks"


class ProvidersStack(cdk.Stack):
    def __init__(self, scope: cdk.App, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        parameter_name = f"/{cdk.Aws.STACK_NAME}/greeting"
        write = cr.AwsCustomResource(
            self,
            "WriteGreeting",
            on_create=cr.AwsSdkCall(
                service="SSM",
                action="putParameter",
                parameters={
                    "Name": parameter_name,
                    "Value": "hello from a custom resource",
                    "Type": "String",
                },
                physical_resource_id=cr.PhysicalResourceId.of(parameter_name),
            ),
            on_delete=cr.AwsSdkCall(
                service="SSM", action="deleteParameter", parameters={"Name": parameter_name}
            ),
            policy=cr.AwsCustomResourcePolicy.from_sdk_calls(
                resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE
            ),
            log_retention=logs.RetentionDays.ONE_DAY,
        )
        read = cr.AwsCustomResource(
            self,
            "ReadGreeting",
            on_update=cr.AwsSdkCall(
                service="SSM",
                action="getParameter",
                parameters={"Name": parameter_name},
                physical_resource_id=cr.PhysicalResourceId.of("read-greeting"),
            ),
            policy=cr.AwsCustomResourcePolicy.from_sdk_calls(
                resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE
            ),
        )
        read.node.add_dependency(write)

        on_event = lambda_.Function(
            self,
            "GreetingOnEvent",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="provider.on_event",
            code=lambda_.Code.from_asset(str(HANDLERS / "greeting")),
            log_retention=logs.RetentionDays.ONE_DAY,
        )
        provider = cr.Provider(self, "GreetingProvider", on_event_handler=on_event)
        greeting = cdk.CustomResource(
            self, "Greeting", service_token=provider.service_token, properties={"Name": "fidelity"}
        )

        archive = s3.Bucket(
            self, "ClickArchive", removal_policy=cdk.RemovalPolicy.DESTROY, auto_delete_objects=True
        )
        clicks = firehose.DeliveryStream(
            self,
            "Clicks",
            destination=firehose.S3Bucket(
                archive,
                data_output_prefix="clicks/",
                error_output_prefix="errors/",
                buffering_interval=cdk.Duration.seconds(0),
            ),
        )
        events.Rule(
            self,
            "ArchiveClicks",
            event_pattern=events.EventPattern(source=[SOURCE]),
            targets=[targets.KinesisFirehoseStreamV2(clicks)],
        )

        cdk.CfnOutput(self, "ParameterName", value=parameter_name)
        cdk.CfnOutput(self, "GreetingRead", value=read.get_response_field("Parameter.Value"))
        cdk.CfnOutput(self, "GreetingMessage", value=greeting.get_att_string("Message"))
        cdk.CfnOutput(self, "ClickStreamName", value=clicks.delivery_stream_name)
        cdk.CfnOutput(self, "ClickArchiveBucket", value=archive.bucket_name)


app = cdk.App()
stack = ProvidersStack(app, "Providers")
cdk.Tags.of(stack).add("team", "fidelity")
app.synth()
