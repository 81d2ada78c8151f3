"""A bucket's `VersioningConfiguration` in a template turns versioning on, like AWS.

moto's bucket model reads only encryption and tags from the template, so a CDK `versioned=True`
bucket is created unversioned: overwrites replace objects, deletes leave no markers, and a
destroy that must empty every object version is never exercised.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix


def _apply_versioning(bucket: Any, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    status = (properties.get("VersioningConfiguration") or {}).get("Status")
    if status in ("Enabled", "Suspended"):
        s3_backends[account_id][get_partition(region_name)].put_bucket_versioning(bucket.name, status)


def _install() -> None:
    from moto.s3.models import FakeBucket

    original_create = FakeBucket.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    original_update = FakeBucket.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        bucket = original_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        _apply_versioning(bucket, cloudformation_json.get("Properties") or {}, account_id, region_name)
        return bucket

    def update(
        cls: Any,
        /,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        bucket = original_update(
            cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
        )
        _apply_versioning(bucket, cloudformation_json.get("Properties") or {}, account_id, region_name)
        return bucket

    FakeBucket.create_from_cloudformation_json = classmethod(create)  # type: ignore[assignment,method-assign]
    FakeBucket.update_from_cloudformation_json = classmethod(update)  # type: ignore[assignment,method-assign]


FIX = Fix(
    name="bucket_versioning_from_template",
    description="A bucket's VersioningConfiguration in the template enables (or suspends) versioning",
    install=_install,
)
