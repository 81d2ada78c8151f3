"""The fake GitHub's repository state (pull requests, issue comments, check runs, deployments) and its
JSON answers in the shapes GitHub documents, after github_server.py has checked the request."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from .github_rules import TokenGrant

Answer = tuple[int, Any, dict[str, str]]
HEAD_SHA = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class StoredComment:
    id: int
    body: str
    login: str
    edits: int = 0
    issue: int = 0  # 0: the fake's own pull request


@dataclass
class StoredPull:
    number: int
    head_sha: str = HEAD_SHA
    head_repository: str = ""
    state: str = "open"


@dataclass
class StoredCheckRun:
    id: int
    name: str
    head_sha: str
    conclusion: str | None
    title: str = ""
    summary: str = ""
    annotations: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 1


@dataclass
class StoredDeployment:
    id: int
    environment: str
    ref: str
    statuses: list[tuple[str, str | None]] = field(default_factory=list)  # (state, environment_url)


class GitHubState:
    def __init__(self, repository: str, pr_number: int) -> None:
        self.repository = repository
        self.pr_number = pr_number
        self.base_url = ""
        self.lock = threading.Lock()
        self.comments: dict[int, StoredComment] = {}
        self.pulls: dict[int, StoredPull] = {pr_number: StoredPull(pr_number, head_repository=repository)}
        self.check_runs: dict[int, StoredCheckRun] = {}
        self.deployments: dict[int, StoredDeployment] = {}
        self._next_id = 1000

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add_comment(self, body: str, login: str) -> StoredComment:
        with self.lock:
            comment = StoredComment(self._new_id(), body, login)
            self.comments[comment.id] = comment
            return comment

    # --- JSON shapes ----------------------------------------------------------------------------
    def _user(self, login: str) -> dict[str, Any]:
        kind = "Bot" if "[bot]" in login else "User"
        return {
            "login": login,
            "id": sum(map(ord, login)),
            "type": kind,
            "url": f"{self.base_url}/users/{login}",
        }

    def _repo_json(self, full_name: str | None = None) -> dict[str, Any]:
        name = full_name or self.repository
        owner, short = name.split("/")
        return {
            "id": 1,
            "name": short,
            "full_name": name,
            "owner": self._user(owner),
            "url": f"{self.base_url}/repos/{name}",
            "private": True,
        }

    def _pull_json(self, pull: StoredPull) -> dict[str, Any]:
        api = f"{self.base_url}/repos/{self.repository}"
        return {
            "id": 70000 + pull.number,
            "number": pull.number,
            "state": pull.state,
            "title": "PR",
            "url": f"{api}/pulls/{pull.number}",
            "issue_url": f"{api}/issues/{pull.number}",
            "html_url": f"https://github.example/{self.repository}/pull/{pull.number}",
            "head": {"sha": pull.head_sha, "ref": "feature", "repo": self._repo_json(pull.head_repository)},
            "base": {"sha": "b" * 40, "ref": "main", "repo": self._repo_json()},
            "user": self._user("author"),
        }

    def _comment_json(self, comment: StoredComment) -> dict[str, Any]:
        api = f"{self.base_url}/repos/{self.repository}"
        return {
            "id": comment.id,
            "body": comment.body,
            "user": self._user(comment.login),
            "url": f"{api}/issues/comments/{comment.id}",
            "html_url": f"https://github.example/{self.repository}/pull/{self.pr_number}#issuecomment-{comment.id}",
            "issue_url": f"{api}/issues/{comment.issue or self.pr_number}",
            "created_at": "2026-11-21T06:00:00Z",
            "updated_at": "2026-11-21T06:00:00Z",
        }

    def _check_json(self, run: StoredCheckRun) -> dict[str, Any]:
        return {
            "id": run.id,
            "name": run.name,
            "head_sha": run.head_sha,
            "status": "completed",
            "conclusion": run.conclusion,
            "url": f"{self.base_url}/repos/{self.repository}/check-runs/{run.id}",
            "html_url": f"https://github.example/{self.repository}/runs/{run.id}",
            "output": {"title": run.title, "summary": run.summary, "annotations_count": len(run.annotations)},
        }

    def _deployment_json(self, deployment: StoredDeployment) -> dict[str, Any]:
        url = f"{self.base_url}/repos/{self.repository}/deployments/{deployment.id}"
        return {
            "id": deployment.id,
            "ref": deployment.ref,
            "sha": deployment.ref,
            "environment": deployment.environment,
            "url": url,
            "statuses_url": f"{url}/statuses",
            "task": "deploy",
            "created_at": "2026-11-21T06:00:00Z",
            "updated_at": "2026-11-21T06:00:00Z",
        }

    # --- answers ---------------------------------------------------------------------------------
    def answer(
        self,
        method: str,
        template: str,
        path: str,
        query: dict[str, list[str]],
        body: dict[str, Any],
        grant: TokenGrant,
    ) -> Answer:
        parts = path.strip("/").split("/")
        if template == "/user":
            return 200, self._user(grant.login), {}
        if len(parts) < 3 or f"{parts[1]}/{parts[2]}" != self.repository:
            return 404, {"message": "Not Found"}, {}
        key = (method, template.removeprefix("/repos/{owner}/{repo}"))
        number = next((int(part) for part in parts[4:] if part.isdigit()), None)
        with self.lock:
            return self._answer_locked(key, number, query, body, grant)

    def _answer_locked(
        self,
        key: tuple[str, str],
        number: int | None,
        query: dict[str, list[str]],
        body: dict[str, Any],
        grant: TokenGrant,
    ) -> Answer:
        not_found: Answer = (404, {"message": "Not Found"}, {})
        if key == ("GET", ""):
            return 200, self._repo_json(), {}
        if key == ("GET", "/pulls/{pull_number}"):
            pull = self.pulls.get(number or 0)
            return (200, self._pull_json(pull), {}) if pull else not_found
        if key == ("GET", "/pulls"):
            state = query.get("state", ["open"])[0]
            pulls = [p for n, p in sorted(self.pulls.items()) if state == "all" or p.state == state]
            return self._page([self._pull_json(p) for p in pulls], query, "pulls")
        if key == ("GET", "/issues/{issue_number}"):
            pull = self.pulls.get(number or 0)
            return (200, {**self._pull_json(pull), "pull_request": {}}, {}) if pull else not_found
        if key == ("GET", "/issues/{issue_number}/comments"):
            ordered = [c for _, c in sorted(self.comments.items()) if (c.issue or self.pr_number) == number]
            return self._page([self._comment_json(c) for c in ordered], query, f"issues/{number}/comments")
        if key == ("POST", "/issues/{issue_number}/comments"):
            comment = StoredComment(self._new_id(), body["body"], grant.login, issue=number or 0)
            self.comments[comment.id] = comment
            return 201, self._comment_json(comment), {}
        if key == ("PATCH", "/issues/comments/{comment_id}"):
            comment = self.comments.get(number or 0)
            if comment is None:
                return not_found
            comment.body, comment.edits = body["body"], comment.edits + 1
            return 200, self._comment_json(comment), {}
        if key == ("DELETE", "/issues/comments/{comment_id}"):
            return (204, None, {}) if self.comments.pop(number or 0, None) else not_found
        if key[1].startswith("/check-runs"):
            return self._check_run(key[0], number, body)
        if key[1].startswith("/deployments"):
            return self._deployment(key, number, query, body)
        return not_found

    def _page(self, items: list[Any], query: dict[str, list[str]], resource: str) -> Answer:
        per_page = int(query.get("per_page", ["30"])[0])
        page = int(query.get("page", ["1"])[0])
        last = max(1, -(-len(items) // per_page))
        base = f"{self.base_url}/repos/{self.repository}/{resource}?per_page={per_page}"
        headers = {}
        if page < last:
            headers["Link"] = f'<{base}&page={page + 1}>; rel="next", <{base}&page={last}>; rel="last"'
        return 200, items[(page - 1) * per_page : page * per_page], headers

    def _check_run(self, method: str, number: int | None, body: dict[str, Any]) -> Answer:
        output = body.get("output") or {}
        annotations = list(output.get("annotations") or [])
        if len(annotations) > 50:  # documented: at most 50 per request
            return 422, {"message": "Only 50 annotations are allowed per request"}, {}
        if method == "POST":
            run = StoredCheckRun(self._new_id(), body["name"], body["head_sha"], body.get("conclusion"))
            self.check_runs[run.id] = run
        else:
            found = self.check_runs.get(number or 0)
            if found is None:
                return 404, {"message": "Not Found"}, {}
            run = found
            run.requests += 1
            run.conclusion = body.get("conclusion", run.conclusion)
        run.title, run.summary = output.get("title", run.title), output.get("summary", run.summary)
        run.annotations += annotations  # updates append, as GitHub documents
        return (201 if method == "POST" else 200), self._check_json(run), {}

    def _deployment(
        self, key: tuple[str, str], number: int | None, query: dict[str, list[str]], body: dict[str, Any]
    ) -> Answer:
        if key == ("POST", "/deployments"):
            deployment = StoredDeployment(self._new_id(), body.get("environment", "production"), body["ref"])
            self.deployments[deployment.id] = deployment
            return 201, self._deployment_json(deployment), {}
        if key == ("GET", "/deployments"):
            environment = query.get("environment", [None])[0]
            found = [d for _, d in sorted(self.deployments.items()) if environment in (None, d.environment)]
            return self._page([self._deployment_json(d) for d in found], query, "deployments")
        if key == ("POST", "/deployments/{deployment_id}/statuses"):
            deployment = self.deployments.get(number or 0)
            if deployment is None:
                return 404, {"message": "Not Found"}, {}
            deployment.statuses.append((body["state"], body.get("environment_url")))
            status_id = self._new_id()
            return (
                201,
                {
                    "id": status_id,
                    "state": body["state"],
                    "environment_url": body.get("environment_url"),
                    "url": f"{self._deployment_json(deployment)['url']}/statuses/{status_id}",
                },
                {},
            )
        return 404, {"message": "Not Found"}, {}
