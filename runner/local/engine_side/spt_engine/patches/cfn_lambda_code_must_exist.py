"""A function whose code object does not exist fails to create.

What AWS does: `AWS::Lambda::Function` with `Code.S3Bucket`/`S3Key` naming a missing bucket or key
fails (`CREATE_FAILED`: "Error occurred while GetObject. S3 Error Code: NoSuchBucket ...") and the
stack rolls back. What MiniStack 1.5.33 did: created the function without code
(`CREATE_COMPLETE`), so a deploy that never uploaded its assets passed and the invoke answered a
made-up "Mock response - no code deployed".

Wraps the Lambda function create handler: checks the object first.
"""

from __future__ import annotations

from typing import Any


def apply() -> None:
    from ministack.services import s3
    from ministack.services.cloudformation import provisioners

    handlers = provisioners._RESOURCE_HANDLERS["AWS::Lambda::Function"]
    original_create = handlers["create"]

    def create(logical_id: str, props: dict[str, Any], stack_name: str) -> Any:
        code = props.get("Code") or {}
        bucket, key = code.get("S3Bucket"), code.get("S3Key")
        if bucket and key and not code.get("ZipFile"):
            if s3._buckets.get(bucket) is None:
                raise ValueError(
                    "Error occurred while GetObject. S3 Error Code: NoSuchBucket. "
                    "S3 Error Message: The specified bucket does not exist"
                )
            if s3._get_object_data(bucket, key, version_id=code.get("S3ObjectVersion")) is None:
                raise ValueError(
                    "Error occurred while GetObject. S3 Error Code: NoSuchKey. "
                    "S3 Error Message: The specified key does not exist."
                )
        return original_create(logical_id, props, stack_name)

    handlers["create"] = create
