"""Resources CloudFormation cannot delete on its own: non-empty buckets and Lambda log groups."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class BucketEmptier:
    """Deletes every object version and delete marker, so a versioned bucket empties too."""

    def __init__(self, s3_client: Any) -> None:
        self._s3 = s3_client

    def empty(self, bucket: str) -> int:
        deleted = 0
        paginator = self._s3.get_paginator("list_object_versions")
        try:
            for page in paginator.paginate(Bucket=bucket):
                keys = [
                    {"Key": item["Key"], "VersionId": item["VersionId"]}
                    for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
                ]
                # delete_objects takes at most 1,000 keys per call.
                for start in range(0, len(keys), 1000):
                    chunk = keys[start : start + 1000]
                    self._s3.delete_objects(Bucket=bucket, Delete={"Objects": chunk, "Quiet": True})
                    deleted += len(chunk)
        except self._s3.exceptions.NoSuchBucket:
            return deleted
        return deleted


class LogGroups:
    """Lambda writes to /aws/lambda/<function>; CloudFormation does not own that group, so it stays."""

    def __init__(self, logs_client: Any) -> None:
        self._logs = logs_client

    def delete_with_prefix(self, prefix: str) -> list[str]:
        """Groups of functions no longer in any stack (a rolled-back create's) carry only the name."""
        return self._delete(
            group["logGroupName"]
            for page in self._logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=prefix)
            for group in page["logGroups"]
        )

    def delete_for_functions(self, function_names: list[str]) -> list[str]:
        return self._delete(f"/aws/lambda/{function_name}" for function_name in function_names)

    def _delete(self, groups: Iterable[str]) -> list[str]:
        """Deletes each group that exists; returns the ones deleted."""
        deleted: list[str] = []
        for group in list(groups):
            try:
                self._logs.delete_log_group(logGroupName=group)
                deleted.append(group)
            except self._logs.exceptions.ResourceNotFoundException:
                continue
        return deleted
