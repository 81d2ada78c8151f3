"""Handler sources and clients several Lambda test modules share."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from runner.local import LocalEndpoint

ECHO_CONTEXT = """
import os

def handler(event, context):
    return {
        "event": event,
        "greeting": os.environ.get("GREETING"),
        "endpoint": os.environ["AWS_ENDPOINT_URL"],
        "region": os.environ["AWS_REGION"],
        "default_region": os.environ["AWS_DEFAULT_REGION"],
        "env_function_name": os.environ["AWS_LAMBDA_FUNCTION_NAME"],
        "env_memory": os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"],
        "env_version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
        "env_log_group": os.environ["AWS_LAMBDA_LOG_GROUP_NAME"],
        "env_log_stream": os.environ["AWS_LAMBDA_LOG_STREAM_NAME"],
        "handler_env": os.environ["_HANDLER"],
        "task_root": os.environ["LAMBDA_TASK_ROOT"],
        "cwd": os.getcwd(),
        "function_name": context.function_name,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "request_id": context.aws_request_id,
        "arn": context.invoked_function_arn,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
    }
"""

USES_BOTO3 = """
import boto3

s3 = boto3.client("s3")  # created once, in the INIT phase, as real handlers do

def handler(event, context):
    s3.put_object(Bucket=event["bucket"], Key="from-lambda.txt", Body=b"written by the handler")
    return sorted(bucket["Name"] for bucket in s3.list_buckets()["Buckets"])
"""

SLEEPS_THEN_PID = """
import os
import time

def handler(event, context):
    time.sleep(event["seconds"])
    return os.getpid()
"""

COUNTS_CALLS = """
import os

calls = 0
started_in_pid = os.getpid()

def handler(event, context):
    global calls
    calls += 1
    return {"calls": calls, "pid": started_in_pid}
"""


def no_retries(endpoint: LocalEndpoint) -> Any:
    return boto3.client(
        "lambda",
        endpoint_url=endpoint.url,
        region_name=endpoint.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
