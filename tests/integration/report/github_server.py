"""A GitHub API on 127.0.0.1 as strict as the real one where it matters, for every test that talks
to GitHub (report, comment, check run, deployments, the Actions workflow tests).

- Tokens: each is a classic PAT (scopes), a GITHUB_TOKEN (its job's `permissions:` map) or a GitHub
  App installation token (the App's permissions); each call is allowed or refused per
  runner/github/permissions.json. An unknown token gets 401. `GET /user` is 403 for the last two;
  GraphQL `viewer` answers all three.
- Requests: the path and method must exist in GitHub's REST description (npm `@octokit/openapi`)
  and the JSON body must satisfy its schema, else 404/422 and an entry in `violations`.
- Real HTTP, real JSON, Link-header pagination, scripted failures (a queue of answers served before
  the real handling), and a barrier that holds comment listings until N reports arrived.
"""

from __future__ import annotations

import contextlib
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from tests.support.http_server import ANY_METHOD, LoopbackServer, Request, Response

from .github_rules import ACTIONS_LOGIN, TokenGrant, TokenKind, permission_endpoint, refusal, rest_description
from .github_state import GitHubState


@dataclass
class ScriptedAnswer:
    method: str
    path_pattern: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


class FakeGitHub(GitHubState):
    def __init__(self, repository: str = "acme/shop", pr_number: int = 7, login: str = "ci-bot") -> None:
        super().__init__(repository, pr_number)
        self.login = login  # the default PAT's user
        self.tokens: dict[str, TokenGrant] = {}
        self.refused: list[tuple[str, str, int]] = []  # (method, path, status) answered 401/403/404
        self.violations: list[str] = []  # requests GitHub's REST description does not accept
        self.script: list[ScriptedAnswer] = []
        self.listing_barrier: threading.Barrier | None = None
        # Every method goes through the rules: one GitHub's REST description lacks is a violation.
        self._server = LoopbackServer().route(ANY_METHOD, r"/.*", self._handle)

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def requests(self) -> list[tuple[str, str]]:
        """(method, path) of every request so far, refused or not."""
        return [(request.method, request.path) for request in self._server.requests]

    def start(self) -> FakeGitHub:
        self.base_url = self.url
        rest_description()  # load before the first request, not inside one
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    # --- tokens ----------------------------------------------------------------------------------
    def grant_pat(self, token: str, scopes: tuple[str, ...] = ("repo",), login: str | None = None) -> str:
        self.tokens[token] = TokenGrant(TokenKind.CLASSIC_PAT, login or self.login, frozenset(scopes))
        return token

    def grant_actions_token(self, token: str, permissions: dict[str, str]) -> str:
        self.tokens[token] = TokenGrant(TokenKind.GITHUB_TOKEN, ACTIONS_LOGIN, permissions=dict(permissions))
        return token

    def grant_app_token(self, token: str, app_slug: str, permissions: dict[str, str]) -> str:
        """`permissions` as the App's settings name them (`pull_requests`) or as workflows do."""
        named = {name.replace("_", "-"): level for name, level in permissions.items()}
        self.tokens[token] = TokenGrant(TokenKind.APP_INSTALLATION, f"{app_slug}[bot]", permissions=named)
        return token

    def count(self, method: str, pattern: str) -> int:
        return sum(1 for m, path in self.requests if m == method and re.search(pattern, path))

    # --- the wire --------------------------------------------------------------------------------
    def _refuse(self, method: str, path: str, status: int, message: str) -> Response:
        with self.lock:
            self.refused.append((method, path, status))
        return Response.json(status, {"message": message})

    def _handle(self, request: Request) -> Response:
        method, path, query = request.method, request.path, request.query
        body = request.json()
        with self.lock:
            scripted = next(
                (a for a in self.script if a.method == method and re.fullmatch(a.path_pattern, path)),
                None,
            )
            if scripted is not None:
                self.script.remove(scripted)
        if scripted is not None:
            return Response.json(scripted.status, scripted.body, scripted.headers)
        authorization = request.header("Authorization")
        grant = self.tokens.get(authorization.removeprefix("token ").removeprefix("Bearer ").strip())
        if grant is None:
            return self._refuse(method, path, 401, "Bad credentials")
        if path == "/graphql" and method == "POST":
            return self._graphql(grant, body)
        route = rest_description().route(method, path)
        if route is None:
            with self.lock:
                self.violations.append(f"{method} {path}: not in GitHub's REST description")
            return Response.json(404, {"message": "Not Found"})
        problems = rest_description().body_problems(route, body)
        if problems:
            with self.lock:
                self.violations.append(f"{method} {route.template}: {'; '.join(problems)}")
            return Response.json(422, {"message": "Invalid request.", "errors": problems})
        refused = refusal(grant, permission_endpoint(method, route.template))
        if refused is not None:
            return self._refuse(method, path, *refused)
        if method == "GET" and path.endswith("/comments") and self.listing_barrier is not None:
            with contextlib.suppress(threading.BrokenBarrierError):
                self.listing_barrier.wait(timeout=30)
        status, payload, headers = self.answer(method, route.template, path, query, body or {}, grant)
        return Response.json(status, payload, headers)

    def _graphql(self, grant: TokenGrant, body: Any) -> Response:
        query = (body or {}).get("query", "")
        if re.fullmatch(r"\s*(query\s*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*", query):
            return Response.json(200, {"data": {"viewer": {"login": grant.login}}})
        with self.lock:
            self.violations.append(f"GraphQL query this fake does not know: {query!r}")
        return Response.json(200, {"errors": [{"message": "unsupported by the fake"}]})
