"""Deleting a non-empty bucket through CloudFormation fails, like AWS.

moto's S3 backend answers delete_bucket on a bucket with objects by returning None, and the
bucket model's CloudFormation delete ignores that, so the bucket silently survives while the
stack reports DELETE_COMPLETE. CloudFormation reports BucketNotEmpty (the resource is
DELETE_FAILED) so tools that empty buckets first can be tested honestly.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix


def _delete_from_cloudformation_json(
    cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
) -> None:
    from moto.s3.exceptions import BucketNotEmpty, MissingBucket
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    backend = s3_backends[account_id][get_partition(region_name)]
    try:
        bucket = backend.get_bucket(resource_name)
    except MissingBucket:
        return
    if bucket.keys:
        raise BucketNotEmpty(resource_name)
    backend.delete_bucket(resource_name)


def _install() -> None:
    from moto.s3.models import FakeBucket

    FakeBucket.delete_from_cloudformation_json = classmethod(_delete_from_cloudformation_json)  # type: ignore[assignment,method-assign]


FIX = Fix(
    name="bucket_delete_requires_empty",
    description="Deleting a non-empty bucket fails with BucketNotEmpty instead of silently surviving",
    install=_install,
)
