"""A function's AWS SDK reaches S3 buckets by their virtual-hosted names.

AWS: the Node.js SDK v3 addresses a bucket as `BUCKET.s3.REGION.amazonaws.com`, a name that
resolves; CDK's own Node providers (auto_delete_objects, BucketDeployment, AwsCustomResource on S3)
rely on it.
MiniStack: workers inherit the engine's `AWS_ENDPOINT_URL`, which the runner sets to
`http://localhost:PORT`; the SDK then asks for `BUCKET.localhost`, which Node's resolver does not
resolve (getaddrinfo ENOTFOUND), and the auto-delete provider fails the stack delete.
Wraps: workers also inherit `AWS_ENDPOINT_URL_S3=http://127.0.0.1:PORT` (the SDKs' per-service
endpoint variable, read by the JS SDK v3 and botocore alike): on an IP endpoint they address
buckets by path. Every other service keeps `AWS_ENDPOINT_URL` as it was.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

S3_ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_S3"


def apply() -> None:
    parts = urlsplit(os.environ.get("AWS_ENDPOINT_URL", ""))
    if parts.hostname != "localhost":
        return
    netloc = "127.0.0.1" + (f":{parts.port}" if parts.port else "")
    os.environ.setdefault(S3_ENDPOINT_VARIABLE, urlunsplit((parts.scheme, netloc, parts.path, "", "")))
