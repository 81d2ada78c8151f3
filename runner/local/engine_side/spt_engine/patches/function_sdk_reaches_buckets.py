"""A function's AWS SDK reaches S3 buckets by their virtual-hosted names.

AWS: the Node.js SDK v3 addresses a bucket as `BUCKET.s3.REGION.amazonaws.com`, a name that
resolves; CDK's own Node providers (auto_delete_objects, BucketDeployment, AwsCustomResource on S3)
rely on it.
MiniStack: workers inherit the engine's `AWS_ENDPOINT_URL`, which the runner sets to
`http://localhost:PORT`; the SDK then asks for `BUCKET.localhost`, which Node's resolver does not
resolve (getaddrinfo ENOTFOUND), and the provider's delete fails the stack delete.
Wraps: workers get the endpoint as `http://127.0.0.1:PORT` (MiniStack's own default for them): the
SDKs address buckets by path on an IP endpoint, and the engine answers 127.0.0.1 like localhost.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def apply() -> None:
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    parts = urlsplit(endpoint)
    if parts.hostname != "localhost":
        return
    netloc = "127.0.0.1" + (f":{parts.port}" if parts.port else "")
    os.environ["AWS_ENDPOINT_URL"] = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
