"""The app's own integration tests, run by `serverless-pr-test test --shard i/N` in the fault cases."""

import json
import os
import time
from pathlib import Path

import boto3


def test_outputs_arrive_as_file_and_variables():
    outputs = json.loads(Path(os.environ["SPT_OUTPUTS_FILE"]).read_text())
    assert outputs["QueueUrl"] == os.environ["SPT_OUTPUT_QUEUE_URL"]


def test_queue_accepts_an_order():
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=os.environ["SPT_OUTPUT_QUEUE_URL"], MessageBody="order-1")


def test_archive_bucket_keeps_versions():
    s3 = boto3.client("s3")
    versioning = s3.get_bucket_versioning(Bucket=os.environ["SPT_OUTPUT_BUCKET_NAME"])
    assert versioning["Status"] == "Enabled"


def test_slow_report_generation():
    """FAULT_BLOCK_MARKER set: announce which shard runs this, then block until killed."""
    marker = os.environ.get("FAULT_BLOCK_MARKER")
    if not marker:
        return
    Path(marker).write_text(os.environ["SPT_SHARD"])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.2)
    raise AssertionError("this shard was expected to be killed")
