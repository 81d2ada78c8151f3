"""What makes the fake GitHub API as strict as the real one: who a token is and what it may call
(runner/github/permissions.json, GitHub's documented map), and whether a request exists in GitHub's
REST description (npm `@octokit/openapi`, a dev dependency) with a body its schema accepts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from runner.github.permissions import Endpoint, permission_map

REPO_ROOT = Path(__file__).resolve().parents[3]
DESCRIPTION = REPO_ROOT / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"
ACTIONS_LOGIN = "github-actions[bot]"


class TokenKind(Enum):
    CLASSIC_PAT = "classic PAT"
    GITHUB_TOKEN = "GITHUB_TOKEN"
    APP_INSTALLATION = "GitHub App installation token"


@dataclass(frozen=True)
class TokenGrant:
    kind: TokenKind
    login: str
    scopes: frozenset[str] = frozenset()  # classic PATs
    permissions: dict[str, str] = field(default_factory=dict)  # GITHUB_TOKEN `permissions:` / App

    @property
    def is_installation(self) -> bool:
        return self.kind is not TokenKind.CLASSIC_PAT


def refusal(grant: TokenGrant, endpoint: Endpoint | None) -> tuple[int, str] | None:
    """GitHub's answer when this token may not make the call; None when it may."""
    if endpoint is None:
        return None
    if endpoint.installation_tokens_forbidden and grant.is_installation:
        return 403, "Resource not accessible by integration"
    if grant.kind is TokenKind.CLASSIC_PAT:
        if endpoint.classic_pat_unsupported:
            return 403, "You must authenticate via a GitHub App."
        if endpoint.classic_pat_scopes and not grant.scopes & set(endpoint.classic_pat_scopes):
            return 404, "Not Found"
        return None
    permissions = {"metadata": "read", **grant.permissions}
    if not endpoint.granted_by(permissions):
        return 403, "Resource not accessible by integration"
    return None


def permission_endpoint(method: str, template: str) -> Endpoint | None:
    return next((e for e in permission_map().endpoints if e.method == method and e.path == template), None)


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    literal_segments: int


class RestDescription:
    """GitHub's REST description: routes, and request bodies checked against their schemas."""

    def __init__(self, document: dict[str, Any]) -> None:
        import referencing
        from referencing.jsonschema import DRAFT4

        self._document = document
        self._registry = referencing.Registry().with_resource(
            "urn:github-rest", referencing.Resource.from_contents(document, default_specification=DRAFT4)
        )
        routes: list[Route] = []
        for template, item in document["paths"].items():
            regex = "".join(
                "/[^/]+" if re.fullmatch(r"\{[^}]+\}", part) else "/" + re.escape(part)
                for part in template.strip("/").split("/")
            )
            literal = sum(1 for part in template.split("/") if part and not part.startswith("{"))
            for method in item:
                if method in ("get", "post", "patch", "put", "delete"):
                    routes.append(Route(method.upper(), template, re.compile(regex + "/?"), literal))
        self._routes = sorted(routes, key=lambda route: -route.literal_segments)

    def route(self, method: str, path: str) -> Route | None:
        return next((r for r in self._routes if r.method == method and r.pattern.fullmatch(path)), None)

    def body_problems(self, route: Route, body: Any) -> list[str]:
        """Why GitHub would refuse this JSON body (422), by the operation's requestBody schema."""
        import jsonschema

        operation = self._document["paths"][route.template][route.method.lower()]
        request_body = operation.get("requestBody")
        if request_body is None:
            return [] if body in (None, {}) else [f"{route.method} {route.template} takes no body"]
        if body is None:
            return ["a body is required"] if request_body.get("required") else []
        pointer = "/".join(
            part.replace("~", "~0").replace("/", "~1")
            for part in ("paths", route.template, route.method.lower(), "requestBody", "content",
                         "application/json", "schema")
        )  # fmt: skip
        validator = jsonschema.Draft4Validator(
            {"$ref": f"urn:github-rest#/{pointer}"}, registry=self._registry
        )
        return [
            f"{'/'.join(map(str, error.path)) or 'body'}: {error.message}"
            for error in validator.iter_errors(body)
        ]


@cache
def rest_description() -> RestDescription:
    if not DESCRIPTION.is_file():
        raise FileNotFoundError(f"{DESCRIPTION} is missing: run `npm ci` (dev dependency @octokit/openapi)")
    return RestDescription(json.loads(DESCRIPTION.read_text(encoding="utf-8")))
