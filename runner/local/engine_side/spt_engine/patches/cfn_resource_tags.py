"""CloudFormation tags buckets and event rules; the tagging API lists stacks and log groups.

What AWS does: a bucket gets its template `Tags` plus the stack's tags and the three
`aws:cloudformation:` tags (stack-name, stack-id, logical-id), as every taggable resource does, an
event rule too; CDK's auto-delete provider reads the bucket's `aws-cdk:auto-delete-objects` tag
(GetBucketTagging) before it empties it. The Resource Groups Tagging API's GetResources returns
`cloudformation` stacks and `logs` log groups with their tags.

What MiniStack 1.5.33 did: a bucket from a template got no tags at all (GetBucketTagging:
`NoSuchTagSet`, so the auto-delete provider failed the destroy), a rule got only its template's
tags, GetResources listed neither stacks nor log groups.

Wraps the S3 bucket create/update handlers (the tags CloudFormation computed are written to the
bucket), adds `AWS::S3::Bucket` and `AWS::Events::Rule` to the engine's own table of types that
take stack tags, and adds two collectors to the tagging API's table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def _tag_map(tags: Any) -> dict[str, str]:
    if isinstance(tags, dict):
        return {str(key): str(value) for key, value in tags.items()}
    return {str(tag["Key"]): str(tag.get("Value", "")) for tag in tags or [] if isinstance(tag, dict)}


def apply() -> None:
    from ministack.services import cloudwatch_logs, s3, tagging
    from ministack.services.cloudformation import _stacks, provisioners

    provisioners._STACK_TAG_PROPERTY["AWS::S3::Bucket"] = ("Tags", "list")
    provisioners._STACK_TAG_PROPERTY["AWS::Events::Rule"] = ("Tags", "list")
    handlers = provisioners._RESOURCE_HANDLERS["AWS::S3::Bucket"]
    original_create, original_update = handlers["create"], handlers["update"]

    def write_tags(name: str, props: dict[str, Any]) -> None:
        tags = _tag_map(props.get("Tags"))
        if tags:
            s3._bucket_tags[name] = tags
        else:
            s3._bucket_tags.pop(name, None)

    def create(logical_id: str, props: dict[str, Any], stack_name: str) -> Any:
        name, attributes = original_create(logical_id, props, stack_name)
        write_tags(name, props)
        return name, attributes

    def update(
        physical_id: str, old_props: dict[str, Any], new_props: dict[str, Any], stack_name: str
    ) -> Any:
        name, attributes = original_update(physical_id, old_props, new_props, stack_name)
        write_tags(name, new_props)
        return name, attributes

    handlers["create"], handlers["update"] = create, update

    def collect_stacks() -> Iterator[tuple[str, list[dict[str, str]]]]:
        for stack in list(_stacks.values()):
            if stack.get("StackStatus") != "DELETE_COMPLETE" and stack.get("Tags"):
                yield str(stack["StackId"]), list(stack["Tags"])

    def collect_log_groups() -> Iterator[tuple[str, list[dict[str, str]]]]:
        for name, group in list(cloudwatch_logs._log_groups.items()):
            tags = group.get("tags") or {}
            if tags:
                yield cloudwatch_logs._make_group_arn_no_star(name), tagging._normalise_flat(tags)

    tagging._COLLECTORS.setdefault("cloudformation", collect_stacks)
    tagging._COLLECTORS.setdefault("logs", collect_log_groups)
