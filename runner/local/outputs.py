"""Stack outputs that are AWS URLs, made to reach the local engine.

The engine answers API Gateway and function URLs on its own port, by path (`*.localhost` names do
not resolve on every machine), so `https://{api}.execute-api.{region}.amazonaws.com/{stage}/x`
becomes `http://localhost:PORT/_aws/execute-api/{api}/{stage}/x` and
`https://{id}.lambda-url.{region}.on.aws/x` becomes `http://localhost:PORT/_aws/lambda-url/{id}/x`.
An HTTP API's `$default` stage has no path segment on AWS; locally the engine needs it named.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

EXECUTE_API_URL = re.compile(
    r"^https://(?P<api>[a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?(?P<rest>/[^\s]*)?$"
)
LAMBDA_URL = re.compile(
    r"^https://(?P<url_id>[a-z0-9-]+)\.lambda-url\.[a-z0-9-]+\.on\.aws(?P<rest>/[^\s]*)?$"
)
DEFAULT_STAGE = "$default"


@dataclass(frozen=True)
class LocalOutput:
    """One output whose AWS URL was rewritten: both forms, for the record and the log."""

    key: str
    aws_value: str
    local_value: str


def local_url(value: str, endpoint_url: str, stages_by_api: Mapping[str, frozenset[str]]) -> str | None:
    """The local form of an AWS URL output, or None when `value` is not one."""
    base = endpoint_url.rstrip("/")
    api = EXECUTE_API_URL.match(value.strip())
    if api:
        rest = (api.group("rest") or "/").lstrip("/")
        first_segment = rest.split("/", 1)[0]
        stages = stages_by_api.get(api.group("api"), frozenset())
        if first_segment not in stages and DEFAULT_STAGE in stages:
            rest = f"{DEFAULT_STAGE}/{rest}"
        return f"{base}/_aws/execute-api/{api.group('api')}/{rest}"
    function_url = LAMBDA_URL.match(value.strip())
    if function_url:
        rest = (function_url.group("rest") or "/").lstrip("/")
        return f"{base}/_aws/lambda-url/{function_url.group('url_id')}/{rest}"
    return None


def rewrite_outputs(
    outputs: Mapping[str, str], endpoint_url: str, stages_by_api: Mapping[str, frozenset[str]]
) -> tuple[dict[str, str], tuple[LocalOutput, ...]]:
    """Outputs with every AWS URL made local, and what was rewritten."""
    rewritten: dict[str, str] = {}
    changes: list[LocalOutput] = []
    for key, value in outputs.items():
        local = local_url(value, endpoint_url, stages_by_api)
        rewritten[key] = local or value
        if local:
            changes.append(LocalOutput(key=key, aws_value=value, local_value=local))
    return rewritten, tuple(changes)


class ApiStages:
    """Reads which stages each API Gateway API has (REST and HTTP), from the engine."""

    def __init__(self, apigateway: Any, apigatewayv2: Any) -> None:
        self._apigateway = apigateway
        self._apigatewayv2 = apigatewayv2

    def by_api(self) -> dict[str, frozenset[str]]:
        stages: dict[str, frozenset[str]] = {}
        for api in self._apigateway.get_rest_apis(limit=500).get("items", []):
            items = self._apigateway.get_stages(restApiId=api["id"]).get("item", [])
            stages[api["id"]] = frozenset(stage["stageName"] for stage in items)
        for api in self._apigatewayv2.get_apis(MaxResults="500").get("Items", []):
            items = self._apigatewayv2.get_stages(ApiId=api["ApiId"]).get("Items", [])
            stages[api["ApiId"]] = frozenset(stage["StageName"] for stage in items)
        return stages
