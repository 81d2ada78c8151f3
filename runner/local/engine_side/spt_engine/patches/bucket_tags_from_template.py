"""A bucket carries the `Tags` its template gives it.

AWS: `AWS::S3::Bucket` `Tags` (CDK adds `aws-cdk:auto-delete-objects=true` for
`auto_delete_objects=True`, and `Tags.of(...)` adds a team's own) are on the bucket: GetBucketTagging
returns them, and CDK's auto-delete provider reads that tag before it empties the bucket on delete.
MiniStack: its CloudFormation bucket provisioner ignores `Tags`; GetBucketTagging answers
NoSuchTagSet, and the auto-delete provider's delete then fails the stack delete.
Wraps: the AWS::S3::Bucket create and update provisioners store the template's tags as the
bucket's tag set (what PutBucketTagging stores); delete drops them with the bucket.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provisioned = tuple[str, dict[str, Any]]


def _tag_set(props: dict[str, Any]) -> dict[str, str]:
    tags = props.get("Tags") or []
    if isinstance(tags, dict):
        return {str(key): str(value) for key, value in tags.items()}
    return {
        str(tag["Key"]): str(tag.get("Value", "")) for tag in tags if isinstance(tag, dict) and "Key" in tag
    }


def apply() -> None:
    from ministack.services import s3
    from ministack.services.cloudformation import provisioners

    create: Callable[..., Provisioned] = provisioners._s3_create
    update: Callable[..., Provisioned] = provisioners._s3_update
    delete: Callable[..., Any] = provisioners._s3_delete

    def store(name: str, props: dict[str, Any]) -> None:
        tags = _tag_set(props)
        if tags:
            s3._bucket_tags[name] = tags
        else:
            s3._bucket_tags.pop(name, None)

    def s3_create(logical_id: str, props: dict[str, Any], stack_name: str) -> Provisioned:
        name, attributes = create(logical_id, props, stack_name)
        store(name, props)
        return name, attributes

    def s3_update(
        physical_id: str, old_props: dict[str, Any], new_props: dict[str, Any], stack_name: str
    ) -> Provisioned:
        name, attributes = update(physical_id, old_props, new_props, stack_name)
        store(name, new_props)
        return name, attributes

    def s3_delete(physical_id: str, props: dict[str, Any]) -> Any:
        result = delete(physical_id, props)
        if physical_id not in s3._buckets:
            s3._bucket_tags.pop(physical_id, None)
        return result

    provisioners._s3_create = s3_create
    provisioners._s3_update = s3_update
    provisioners._s3_delete = s3_delete
    handlers = provisioners._RESOURCE_HANDLERS["AWS::S3::Bucket"]
    handlers.update(create=s3_create, update=s3_update, delete=s3_delete)
