"""The Reports bucket exists and keeps what is written to it (the runner empties it on destroy)."""

from __future__ import annotations

from inventory_api import InventoryApi

from runner.testing import StackContext


def test_the_reports_bucket_stores_and_returns_a_report(
    stack: StackContext, inventory: InventoryApi, isolation_key: str
) -> None:
    s3 = stack.client("s3")
    bucket, key = inventory.outputs.ReportsBucketName, f"tests/{isolation_key}.json"

    s3.put_object(Bucket=bucket, Key=key, Body=b'{"ok": true}')

    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b'{"ok": true}'
