"""The Reports bucket exists and keeps what is written to it (the runner empties it on destroy)."""

from __future__ import annotations

import uuid

import boto3
from inventory_api import StackOutputs


def test_the_reports_bucket_stores_and_returns_a_report(stack_outputs: StackOutputs) -> None:
    s3 = boto3.client("s3")
    key = f"tests/{uuid.uuid4()}.json"

    s3.put_object(Bucket=stack_outputs.ReportsBucketName, Key=key, Body=b'{"ok": true}')

    stored = s3.get_object(Bucket=stack_outputs.ReportsBucketName, Key=key)["Body"].read()
    assert stored == b'{"ok": true}'
