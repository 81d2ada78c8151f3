"""AWS applies an `AWS::S3::Bucket`'s template `Tags` to the bucket (GetBucketTagging returns them);
MiniStack's CloudFormation provisioner ignores them, so CDK's `auto_delete_objects` provider, which
reads the bucket's tags before emptying it, fails `NoSuchTagSet`. On a stack update AWS sets the
bucket's tags to the new ones (a redeploy's new stack tags included). Wraps the bucket provisioner's
create and update."""

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

    update: Callable[..., tuple[str, dict[str, Any]]] = provisioners._s3_update

    def update_with_tags(
        physical_id: str, old_props: dict[str, Any], new_props: dict[str, Any], stack: str
    ) -> tuple[str, dict[str, Any]]:
        name, attributes = update(physical_id, old_props, new_props, stack)
        tags = {str(tag["Key"]): str(tag["Value"]) for tag in new_props.get("Tags") or []}
        if tags:
            s3._bucket_tags[name] = tags
        else:
            s3._bucket_tags.pop(name, None)
        return name, attributes

    provisioners._s3_create = create_with_tags
    provisioners._s3_update = update_with_tags
    # The handler table holds the function itself: point it at the wrapper too.
    for handler in provisioners._RESOURCE_HANDLERS.values():
        if isinstance(handler, dict) and handler.get("create") is create:
            handler["create"] = create_with_tags
        if isinstance(handler, dict) and handler.get("update") is update:
            handler["update"] = update_with_tags
