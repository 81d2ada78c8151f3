"""Stack tags reach the stack's buckets and EventBridge rules.

AWS: CloudFormation propagates a stack's tags (and its `aws:cloudformation:*` tags) to every
resource type that takes tags, S3 buckets and EventBridge rules included; this project's destroy and
janitor find what a PR owns by those tags.
MiniStack: its table of taggable types (`_STACK_TAG_PROPERTY`) lacks AWS::S3::Bucket and
AWS::Events::Rule, so those get only their template's own tags.
Wraps: adds both types to that table (their tags are the `Tags` list, as in the template schema);
`bucket_template_tags` then stores a bucket's merged tags.
"""

from __future__ import annotations

ADDED = {
    "AWS::S3::Bucket": ("Tags", "list"),
    "AWS::Events::Rule": ("Tags", "list"),
}


def apply() -> None:
    from ministack.services.cloudformation import provisioners

    for resource_type, spec in ADDED.items():
        provisioners._STACK_TAG_PROPERTY.setdefault(resource_type, spec)
