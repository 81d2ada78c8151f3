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
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

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
        self.requests: list[tuple[str, str]] = []
        self.refused: list[tuple[str, str, int]] = []  # (method, path, status) answered 401/403/404
        self.violations: list[str] = []  # requests GitHub's REST description does not accept
        self.script: list[ScriptedAnswer] = []
        self.listing_barrier: threading.Barrier | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeGitHub:
        self.base_url = self.url
        rest_description()  # load before the first request, not inside one
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

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


def _handler_class(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _send(self, status: int, payload: Any = None, headers: dict[str, str] | None = None) -> None:
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length)) if length else None

        def _refuse(self, method: str, path: str, status: int, message: str) -> None:
            with fake.lock:
                fake.refused.append((method, path, status))
            self._send(status, {"message": message})

        def _handle(self, method: str) -> None:
            parsed = urlparse(self.path)
            path, query = parsed.path, parse_qs(parsed.query)
            body = self._body()
            with fake.lock:
                fake.requests.append((method, path))
                scripted = next(
                    (a for a in fake.script if a.method == method and re.fullmatch(a.path_pattern, path)),
                    None,
                )
                if scripted is not None:
                    fake.script.remove(scripted)
            if scripted is not None:
                self._send(scripted.status, scripted.body, scripted.headers)
                return
            authorization = self.headers.get("Authorization", "")
            grant = fake.tokens.get(authorization.removeprefix("token ").removeprefix("Bearer ").strip())
            if grant is None:
                self._refuse(method, path, 401, "Bad credentials")
                return
            if path == "/graphql" and method == "POST":
                self._graphql(grant, body)
                return
            route = rest_description().route(method, path)
            if route is None:
                with fake.lock:
                    fake.violations.append(f"{method} {path}: not in GitHub's REST description")
                self._send(404, {"message": "Not Found"})
                return
            problems = rest_description().body_problems(route, body)
            if problems:
                with fake.lock:
                    fake.violations.append(f"{method} {route.template}: {'; '.join(problems)}")
                self._send(422, {"message": "Invalid request.", "errors": problems})
                return
            refused = refusal(grant, permission_endpoint(method, route.template))
            if refused is not None:
                self._refuse(method, path, *refused)
                return
            if method == "GET" and path.endswith("/comments") and fake.listing_barrier is not None:
                with contextlib.suppress(threading.BrokenBarrierError):
                    fake.listing_barrier.wait(timeout=30)
            status, payload, headers = fake.answer(method, route.template, path, query, body or {}, grant)
            self._send(status, payload, headers)

        def _graphql(self, grant: TokenGrant, body: Any) -> None:
            query = (body or {}).get("query", "")
            if re.fullmatch(r"\s*(query\s*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*", query):
                self._send(200, {"data": {"viewer": {"login": grant.login}}})
                return
            with fake.lock:
                fake.violations.append(f"GraphQL query this fake does not know: {query!r}")
            self._send(200, {"errors": [{"message": "unsupported by the fake"}]})

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_PATCH(self) -> None:
            self._handle("PATCH")

        def do_DELETE(self) -> None:
            self._handle("DELETE")

    return Handler
