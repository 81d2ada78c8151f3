"""The app's Lambda functions: Python 3.11 handlers from the one `functions/` code asset and the Node.js
Ship handler from `shipping/`, each logging to its own log group with a retention period."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

APP_DIR = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = APP_DIR / "functions"
SHIPPING_DIR = APP_DIR / "shipping"
PYTHON_RUNTIME = lambda_.Runtime.PYTHON_3_11
NODE_RUNTIME = lambda_.Runtime.NODEJS_22_X
LOG_RETENTION = logs.RetentionDays.ONE_WEEK


def python_function(
    scope: Construct,
    construct_id: str,
    *,
    handler: str,
    environment: dict[str, str] | None = None,
    timeout: cdk.Duration | None = None,
) -> lambda_.Function:
    """A function whose physical name CloudFormation generates (long stack names cannot overflow it)."""
    return _function(
        scope,
        construct_id,
        runtime=PYTHON_RUNTIME,
        handler=handler,
        code=lambda_.Code.from_asset(str(FUNCTIONS_DIR), exclude=["__pycache__", "*.pyc"]),
        environment=environment,
        timeout=timeout,
    )


def node_function(
    scope: Construct, construct_id: str, *, handler: str, environment: dict[str, str] | None = None
) -> lambda_.Function:
    """A Node.js function; the runtime's own AWS SDK v3 is all it imports, so nothing is bundled."""
    return _function(
        scope,
        construct_id,
        runtime=NODE_RUNTIME,
        handler=handler,
        code=lambda_.Code.from_asset(str(SHIPPING_DIR)),
        environment=environment,
        timeout=None,
    )


def _function(
    scope: Construct,
    construct_id: str,
    *,
    runtime: lambda_.Runtime,
    handler: str,
    code: lambda_.Code,
    environment: dict[str, str] | None,
    timeout: cdk.Duration | None,
) -> lambda_.Function:
    log_group = logs.LogGroup(
        scope,
        f"{construct_id}Logs",
        retention=LOG_RETENTION,
        # Per-PR stacks are short-lived: their logs go with them.
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    return lambda_.Function(
        scope,
        construct_id,
        runtime=runtime,
        architecture=lambda_.Architecture.ARM_64,
        handler=handler,
        code=code,
        environment=environment or {},
        memory_size=256,
        timeout=timeout or cdk.Duration.seconds(10),
        log_group=log_group,
    )
