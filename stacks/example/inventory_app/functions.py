"""The app's Lambda functions: Python 3.11 from the one `functions/` code asset, each with its own
log group (a plain CloudFormation resource, unlike `log_retention` whose provider is Node.js)."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"
RUNTIME = lambda_.Runtime.PYTHON_3_11


def python_function(
    scope: Construct,
    construct_id: str,
    *,
    handler: str,
    environment: dict[str, str] | None = None,
    timeout: cdk.Duration | None = None,
) -> lambda_.Function:
    """A function whose physical name CloudFormation generates (long stack names cannot overflow it)."""
    log_group = logs.LogGroup(
        scope,
        f"{construct_id}Logs",
        retention=logs.RetentionDays.ONE_WEEK,
        # Per-PR stacks are short-lived: their logs go with them.
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    return lambda_.Function(
        scope,
        construct_id,
        runtime=RUNTIME,
        architecture=lambda_.Architecture.ARM_64,
        handler=handler,
        code=lambda_.Code.from_asset(str(FUNCTIONS_DIR), exclude=["__pycache__", "*.pyc"]),
        environment=environment or {},
        memory_size=256,
        timeout=timeout or cdk.Duration.seconds(10),
        log_group=log_group,
    )
