"""The Node.js Ship step, run by Node itself (its imports resolve from the project's node_modules): the
label lands in a real bucket on the local engine; an unserved destination throws ShippingUnavailable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid

import boto3
import pytest
from handler_env import SHIPPING_DIR, LocalResources

from runner.local import LocalEndpoint

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")

# The SDK addresses buckets as `{bucket}.{endpoint host}`; `*.localhost` is loopback (RFC 6761), which
# this machine's resolver does not know, so this harness (not the handler) resolves it.
RUN_HANDLER = """
import dns from "node:dns";
const lookup = dns.lookup;
dns.lookup = (host, options, callback) =>
  host.endsWith(".localhost") ? lookup("localhost", options, callback) : lookup(host, options, callback);
const { handler } = await import(process.argv[1]);
try {
  console.log(JSON.stringify({ result: await handler(JSON.parse(process.argv[2])) }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, message: error.message }));
}
"""


def _ship(endpoint: LocalEndpoint, bucket: str, event: dict[str, object]) -> dict[str, object]:
    completed = subprocess.run(
        [
            "node",
            "--input-type=module",
            "-e",
            RUN_HANDLER,
            str(SHIPPING_DIR / "index.mjs"),
            json.dumps(event),
        ],
        env={"PATH": os.environ["PATH"], **endpoint.env(), "LABELS_BUCKET_NAME": bucket},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answer: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return answer


def test_a_served_destination_gets_a_stored_label_and_a_stable_tracking_number(
    endpoint: LocalEndpoint, resources: LocalResources
) -> None:
    bucket = f"labels-{uuid.uuid4().hex[:12]}"
    boto3.client("s3").create_bucket(Bucket=bucket)
    event = {
        "order_id": "ord-1",
        "sku": "SKU-1",
        "quantity": 2,
        "ship_to": {"country": "gb"},
        "correlation_id": "c",
    }

    first = _ship(endpoint, bucket, event)["result"]
    again = _ship(endpoint, bucket, event)["result"]

    assert first == again
    assert isinstance(first, dict)
    label = json.loads(boto3.client("s3").get_object(Bucket=bucket, Key=first["label_key"])["Body"].read())
    assert label == {
        "order_id": "ord-1",
        "sku": "SKU-1",
        "quantity": 2,
        "country": "GB",
        "carrier": "sandbox-post",
        "tracking_number": first["tracking_number"],
    }


def test_an_unserved_destination_throws_shipping_unavailable(endpoint: LocalEndpoint) -> None:
    answer = _ship(
        endpoint, "unused", {"order_id": "ord-2", "sku": "S", "quantity": 1, "ship_to": {"country": "AQ"}}
    )

    assert answer["error"] == "ShippingUnavailable"
