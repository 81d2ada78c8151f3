"""Usage over the run's window, read from CloudWatch (and, where the local endpoint publishes no
metric, counted from the data itself when that is a real count: log bytes from the log events,
bucket bytes from the object listing)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from runner.report.cost.model import MetricQuery

_BATCH = 500  # get_metric_data's limit on queries per call
# What the embedded local endpoint publishes (the engine emits AWS/Lambda metrics).
LOCAL_NAMESPACES = frozenset({"AWS/Lambda"})


class UsageReader:
    """Sums of CloudWatch series over a window. `published_namespaces` (None = all, as on AWS) says
    which namespaces have a publisher: an empty series there means zero use, elsewhere no data (None)."""

    def __init__(
        self,
        cloudwatch: Any,
        logs: Any | None = None,
        published_namespaces: frozenset[str] | None = None,
        s3: Any | None = None,
    ) -> None:
        self._cloudwatch = cloudwatch
        self._logs = logs
        self._s3 = s3
        self._published = published_namespaces

    def sums(
        self, queries: Iterable[MetricQuery], start: datetime, end: datetime
    ) -> dict[MetricQuery, float | None]:
        unique = list(dict.fromkeys(queries))
        results: dict[MetricQuery, float | None] = {}
        to_fetch: list[MetricQuery] = []
        for query in unique:
            if self._published is None or query.namespace in self._published:
                to_fetch.append(query)
            elif self._logs is not None and (query.namespace, query.metric) == ("AWS/Logs", "IncomingBytes"):
                results[query] = self._count_log_bytes(dict(query.dimensions)["LogGroupName"], start, end)
            elif self._s3 is not None and (query.namespace, query.metric) == ("AWS/S3", "BucketSizeBytes"):
                results[query] = self._count_bucket_bytes(dict(query.dimensions)["BucketName"])
            else:
                results[query] = None
        for offset in range(0, len(to_fetch), _BATCH):
            results.update(self._fetch(to_fetch[offset : offset + _BATCH], start, end))
        return results

    def _fetch(
        self, batch: Sequence[MetricQuery], start: datetime, end: datetime
    ) -> dict[MetricQuery, float]:
        first = start.replace(second=0, microsecond=0)
        last = end.replace(second=0, microsecond=0) + timedelta(minutes=1)
        # One period spanning the whole window: CloudWatch returns one or two points per series.
        period = max(60, 60 * math.ceil((last - first).total_seconds() / 60))
        by_id = {f"q{index}": query for index, query in enumerate(batch)}
        request: dict[str, Any] = {
            "MetricDataQueries": [
                {
                    "Id": query_id,
                    "MetricStat": {
                        "Metric": {
                            "Namespace": query.namespace,
                            "MetricName": query.metric,
                            "Dimensions": [
                                {"Name": name, "Value": value} for name, value in query.dimensions
                            ],
                        },
                        "Period": period,
                        "Stat": query.stat,
                    },
                    "ReturnData": True,
                }
                for query_id, query in by_id.items()
            ],
            "StartTime": first,
            "EndTime": last,
        }
        values: dict[MetricQuery, list[float]] = {query: [] for query in batch}
        while True:
            answer = self._cloudwatch.get_metric_data(**request)
            for result in answer.get("MetricDataResults", []):
                query = by_id.get(result.get("Id", ""))
                if query is not None:
                    values[query].extend(float(value) for value in result.get("Values", []))
            token = answer.get("NextToken")
            if not token:
                break
            request["NextToken"] = token
        return {query: _combine(query, points) for query, points in values.items()}

    def _count_log_bytes(self, group: str, start: datetime, end: datetime) -> float | None:
        """Bytes of the log events in the window: what ingestion is billed on (UTF-8 message bytes)."""
        if self._logs is None:
            return None
        request: dict[str, Any] = {
            "logGroupName": group,
            "startTime": int(start.timestamp() * 1000),
            "endTime": int(end.timestamp() * 1000) + 1,
        }
        total = 0
        try:
            while True:
                answer = self._logs.filter_log_events(**request)
                total += sum(len(event.get("message", "").encode()) for event in answer.get("events", []))
                token = answer.get("nextToken")
                if not token:
                    return float(total)
                request["nextToken"] = token
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return 0.0  # the function never logged: nothing ingested
            return None

    def _count_bucket_bytes(self, bucket: str) -> float | None:
        """Bytes stored now, summed from the object listing (all versions when versioned)."""
        if self._s3 is None:
            return None
        total = 0
        try:
            for page in self._s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
                total += sum(int(version.get("Size", 0)) for version in page.get("Versions", []))
        except ClientError:
            return None
        return float(total)


def _combine(query: MetricQuery, points: list[float]) -> float:
    if not points:
        return 0.0
    if query.stat == "Average":
        return sum(points) / len(points)
    if query.stat == "Maximum":
        return max(points)
    return sum(points)
