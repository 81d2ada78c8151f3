"""A small GitHub REST server on 127.0.0.1 speaking the endpoints PyGithub uses for issue comments.

Real HTTP (ThreadingHTTPServer), real JSON, Link-header pagination, and scripted failures: a queue
of answers (502, secondary rate limit 403 with retry-after) served before the real handling of the
matching requests, plus an optional barrier that holds comment listings until N reports arrived.
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


@dataclass
class ScriptedAnswer:
    method: str
    path_pattern: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


@dataclass
class StoredComment:
    id: int
    body: str
    login: str


class FakeGitHub:
    def __init__(self, repository: str = "acme/shop", pr_number: int = 7, login: str = "ci-bot") -> None:
        self.repository = repository
        self.pr_number = pr_number
        self.login = login
        self.user_endpoint_forbidden = False  # GitHub App installation tokens get 403 on GET /user
        self.app_login = "github-actions[bot]"
        self.comments: dict[int, StoredComment] = {}
        self.requests: list[tuple[str, str]] = []
        self.script: list[ScriptedAnswer] = []
        self.listing_barrier: threading.Barrier | None = None
        self._next_id = 1000
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_comment(self, body: str, login: str) -> StoredComment:
        with self._lock:
            self._next_id += 1
            comment = StoredComment(self._next_id, body, login)
            self.comments[comment.id] = comment
            return comment

    def count(self, method: str, pattern: str) -> int:
        return sum(1 for m, path in self.requests if m == method and re.search(pattern, path))

    # --- JSON shapes ----------------------------------------------------------------------------
    def _user(self, login: str) -> dict[str, Any]:
        kind = "Bot" if "[bot]" in login else "User"
        return {"login": login, "id": sum(map(ord, login)), "type": kind, "url": f"{self.url}/users/{login}"}

    def _repo(self) -> dict[str, Any]:
        owner, name = self.repository.split("/")
        return {"id": 1, "name": name, "full_name": self.repository, "owner": self._user(owner),
                "url": f"{self.url}/repos/{self.repository}", "private": False}  # fmt: skip

    def _issue(self) -> dict[str, Any]:
        base = f"{self.url}/repos/{self.repository}/issues/{self.pr_number}"
        return {"id": 77, "number": self.pr_number, "title": "PR", "state": "open", "url": base,
                "comments_url": f"{base}/comments", "user": self._user("author"),
                "pull_request": {"url": f"{base}".replace("/issues/", "/pulls/")}}  # fmt: skip

    def _comment(self, comment: StoredComment) -> dict[str, Any]:
        url = f"{self.url}/repos/{self.repository}/issues/comments/{comment.id}"
        return {"id": comment.id, "body": comment.body, "user": self._user(comment.login), "url": url,
                "html_url": f"https://github.example/{self.repository}/pull/{self.pr_number}#issuecomment-{comment.id}",
                "issue_url": f"{self.url}/repos/{self.repository}/issues/{self.pr_number}",
                "created_at": "2026-11-21T06:00:00Z", "updated_at": "2026-11-21T06:00:00Z"}  # fmt: skip

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

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

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"{}") if length else {}

            def _handle(self, method: str) -> None:
                parsed = urlparse(self.path)
                path = parsed.path
                with fake._lock:
                    fake.requests.append((method, path))
                    scripted = next(
                        (a for a in fake.script if a.method == method and re.fullmatch(a.path_pattern, path)),
                        None,
                    )
                    if scripted is not None:
                        fake.script.remove(scripted)
                if scripted is not None:
                    self._body()
                    self._send(scripted.status, scripted.body, scripted.headers)
                    return
                self._route(method, path, parse_qs(parsed.query))

            def _route(self, method: str, path: str, query: dict[str, list[str]]) -> None:
                repo = f"/repos/{fake.repository}"
                issue = f"{repo}/issues/{fake.pr_number}"
                comment_match = re.fullmatch(rf"{re.escape(repo)}/issues/comments/(\d+)", path)
                if method == "GET" and path == "/user":
                    if fake.user_endpoint_forbidden:
                        self._send(403, {"message": "Resource not accessible by integration"})
                    else:
                        self._send(200, fake._user(fake.login))
                elif method == "GET" and path == repo:
                    self._send(200, fake._repo())
                elif method == "GET" and path in (issue, f"{repo}/pulls/{fake.pr_number}"):
                    self._send(200, fake._issue())
                elif method == "GET" and path == f"{issue}/comments":
                    self._list(query)
                elif method == "POST" and path == f"{issue}/comments":
                    author = fake.app_login if fake.user_endpoint_forbidden else fake.login
                    comment = fake.add_comment(self._body()["body"], author)
                    self._send(201, fake._comment(comment))
                elif comment_match and method == "PATCH":
                    self._edit(int(comment_match.group(1)))
                elif comment_match and method == "DELETE":
                    with fake._lock:
                        existed = fake.comments.pop(int(comment_match.group(1)), None)
                    self._send(204) if existed else self._send(404, {"message": "Not Found"})
                else:
                    self._send(404, {"message": "Not Found"})

            def _list(self, query: dict[str, list[str]]) -> None:
                if fake.listing_barrier is not None:
                    with contextlib.suppress(threading.BrokenBarrierError):
                        fake.listing_barrier.wait(timeout=10)
                per_page = int(query.get("per_page", ["30"])[0])
                page = int(query.get("page", ["1"])[0])
                with fake._lock:
                    ordered = [fake.comments[key] for key in sorted(fake.comments)]
                chunk = ordered[(page - 1) * per_page : page * per_page]
                headers = {}
                last = max(1, -(-len(ordered) // per_page))
                base = (
                    f"{fake.url}/repos/{fake.repository}/issues/{fake.pr_number}/comments?per_page={per_page}"
                )
                links = []
                if page < last:
                    links.append(f'<{base}&page={page + 1}>; rel="next"')
                    links.append(f'<{base}&page={last}>; rel="last"')
                if links:
                    headers["Link"] = ", ".join(links)
                self._send(200, [fake._comment(comment) for comment in chunk], headers)

            def _edit(self, comment_id: int) -> None:
                body = self._body()
                with fake._lock:
                    comment = fake.comments.get(comment_id)
                    if comment is not None:
                        comment.body = body["body"]
                if comment is None:
                    self._send(404, {"message": "Not Found"})
                else:
                    self._send(200, fake._comment(comment))

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_PATCH(self) -> None:
                self._handle("PATCH")

            def do_DELETE(self) -> None:
                self._handle("DELETE")

        return Handler
