"""The fault suite's CDK app: a queue, a versioned bucket, and a gate (a Python custom resource).

The gate's handler reads a control directory (context `fault-control-dir`, baked in at synth) and,
for the stack it is creating, fails when `<stack>.fail` exists (CREATE_FAILED -> rollback half-way
through the deploy) or holds the create while `<stack>.hold` exists (a stack left
CREATE_IN_PROGRESS). With neither file it answers SUCCESS at once.
"""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs

app = cdk.App()
stack_name = app.node.try_get_context("serverless-pr-test:stack-name") or "faults-dev"
control_dir = app.node.try_get_context("fault-control-dir") or "/nonexistent"
stack = cdk.Stack(app, "Faults", stack_name=stack_name)
queue = sqs.Queue(stack, "Orders")
bucket = s3.Bucket(stack, "Archive", versioned=True, removal_policy=cdk.RemovalPolicy.DESTROY)
gate_function = lambda_.Function(
    stack,
    "GateHandler",
    runtime=lambda_.Runtime.PYTHON_3_12,
    handler="index.handler",
    code=lambda_.Code.from_asset(str(Path(__file__).parent / "gate")),
    timeout=cdk.Duration.minutes(5),
    environment={"CONTROL_DIR": control_dir},
)
gate = cdk.CustomResource(
    stack, "Gate", service_token=gate_function.function_arn, properties={"Queue": queue.queue_arn}
)
gate.node.add_dependency(bucket)
cdk.CfnOutput(stack, "QueueUrl", value=queue.queue_url)
cdk.CfnOutput(stack, "BucketName", value=bucket.bucket_name)
cdk.CfnOutput(stack, "GateFunctionName", value=gate_function.function_name)
app.synth()
