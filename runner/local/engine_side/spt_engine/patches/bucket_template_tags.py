"""AWS applies an `AWS::S3::Bucket`'s template `Tags` to the bucket (GetBucketTagging returns them);
MiniStack's CloudFormation provisioner ignores them, so CDK's `auto_delete_objects` provider, which
reads the bucket's tags before emptying it, fails `NoSuchTagSet`. Wraps the bucket provisioner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def apply() -> None:
    from ministack.services import s3
    from ministack.services.cloudformation import provisioners

    create: Callable[..., tuple[str, dict[str, Any]]] = provisioners._s3_create

    def create_with_tags(logical_id: str, props: dict[str, Any], stack: str) -> tuple[str, dict[str, Any]]:
        name, attributes = create(logical_id, props, stack)
        tags = props.get("Tags") or []
        if tags:
            current = dict(s3._bucket_tags.get(name) or {})
            current.update({str(tag["Key"]): str(tag["Value"]) for tag in tags})
            s3._bucket_tags[name] = current
        return name, attributes

    provisioners._s3_create = create_with_tags
    # The handler table holds the function itself: point it at the wrapper too.
    for handler in provisioners._RESOURCE_HANDLERS.values():
        if isinstance(handler, dict) and handler.get("create") is create:
            handler["create"] = create_with_tags
