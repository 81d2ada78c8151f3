"""CloudFormation cannot delete a bucket that still holds objects.

What AWS does: deleting a stack whose bucket is not empty fails that resource (`DELETE_FAILED`,
"The bucket you tried to delete is not empty") and lands the stack in `DELETE_FAILED`; the
objects (every version, every delete marker) must go first, which is why CDK's
`auto_delete_objects` and this project's destroy empty buckets. What MiniStack 1.5.33 did: dropped
the bucket with everything in it, so a destroy that forgot to empty a bucket passed locally.

Wraps the S3 bucket delete handler: refuses while the bucket holds objects or versions.
"""

from __future__ import annotations

from typing import Any

MESSAGE = (
    "The bucket you tried to delete is not empty (Service: S3, Status Code: 409, Error Code: BucketNotEmpty)"
)


def apply() -> None:
    from ministack.services import s3
    from ministack.services.cloudformation import provisioners

    handlers = provisioners._RESOURCE_HANDLERS["AWS::S3::Bucket"]
    original_delete = handlers["delete"]

    def holds_objects(name: str) -> bool:
        bucket = s3._buckets.get(name)
        if bucket is None:
            return False
        if bucket.get("objects"):
            return True
        return any(versions for (owner, _key), versions in list(s3._object_versions.items()) if owner == name)

    def delete(physical_id: str, props: dict[str, Any]) -> Any:
        if holds_objects(physical_id):
            raise RuntimeError(MESSAGE)
        return original_delete(physical_id, props)

    handlers["delete"] = delete
