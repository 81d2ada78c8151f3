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
    """Lambda writes to /aws/lambda/<function> (or the group its LoggingConfig names); CloudFormation
    does not own that group, so it stays. Only groups of functions a stack itself names are
    deleted here: never a group found by a name prefix, which may be anyone's."""

    def __init__(self, logs_client: Any, lambda_client: Any = None) -> None:
        self._logs = logs_client
        self._lambda = lambda_client

    def groups_of_functions(self, function_names: Iterable[str]) -> list[str]:
        """Each function's log group: its LoggingConfig.LogGroup when set, else /aws/lambda/<name>.
        Read while the functions still exist (before their stack is deleted)."""
        groups: list[str] = []
        for name in function_names:
            groups.append(self._configured_group(name) or f"/aws/lambda/{name}")
        return list(dict.fromkeys(groups))

    def _configured_group(self, function_name: str) -> str:
        if self._lambda is None:
            return ""
        try:
            config = self._lambda.get_function_configuration(FunctionName=function_name)
        except Exception:  # gone already, or the engine cannot say: the default group it is
            return ""
        logging_config = config.get("LoggingConfig") or {}
        return str(logging_config.get("LogGroup") or "")

    def exists(self, group: str) -> bool:
        for page in self._logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=group):
            if any(item["logGroupName"] == group for item in page["logGroups"]):
                return True
        return False

    def delete(self, groups: Iterable[str]) -> list[str]:
        """Deletes each group that exists; returns the ones deleted."""
        deleted: list[str] = []
        for group in list(groups):
            try:
                self._logs.delete_log_group(logGroupName=group)
                deleted.append(group)
            except self._logs.exceptions.ResourceNotFoundException:
                continue
        return deleted
