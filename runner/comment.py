"""The sticky PR comment: one per stack prefix, updated in place on every push, never duplicated.

Found by its hidden marker AND its author being this token's own login (GET /user), never by a
fixed author name, so another tool's or person's comment quoting the marker is never touched. The
Actions GITHUB_TOKEN is a GitHub App installation token: GET /user answers 403 for those, and the
comments it writes are authored by `github-actions[bot]`, so that is the login assumed then. After a
create, the author of the new comment is known for certain and used for the duplicate check.

Two reports racing (two pushes in quick succession) can both find nothing and both create. After a
create each re-lists: the oldest matching comment survives, takes this report's body, and every
newer one is deleted (a 404 on delete means the other report already did it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from github import Github
    from github.Issue import Issue
    from github.IssueComment import IssueComment

ACTIONS_BOT_LOGIN = "github-actions[bot]"
DEFAULT_API_URL = "https://api.github.com"


class CommentOutcome(Enum):
    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class CommentResult:
    outcome: CommentOutcome
    message: str
    comment_id: int | None = None
    url: str | None = None


@dataclass(frozen=True)
class GithubConnection:
    """How to reach GitHub. The token is never printed (repr=False) and is masked by the caller."""

    token: str = ""
    api_url: str = DEFAULT_API_URL
    retries: int = 5
    backoff_seconds: float = 1.0
    secondary_rate_wait: float = 60.0
    # PyGithub's pacing between calls (GitHub asks integrations not to burst); tests set 0.
    seconds_between_requests: float = 0.25
    seconds_between_writes: float = 1.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GithubConnection:
        """GITHUB_TOKEN (or the action input), GITHUB_API_URL (GHES), SPT_GITHUB_RETRIES (default 5)."""
        from runner.errors import ConfigError

        retries = env.get("SPT_GITHUB_RETRIES", "5")
        if not retries.isdigit():
            raise ConfigError(f"SPT_GITHUB_RETRIES must be a whole number, got {retries!r}")
        return cls(
            token=env.get("GITHUB_TOKEN", "") or env.get("INPUT_GITHUB_TOKEN", ""),
            api_url=env.get("GITHUB_API_URL", DEFAULT_API_URL) or DEFAULT_API_URL,
            retries=int(retries),
        )

    def __repr__(self) -> str:
        return f"GithubConnection(api_url={self.api_url!r}, token={'***' if self.token else 'none'})"

    def client(self) -> Github:
        from github import Auth, Github, GithubRetry
        from urllib3.util.retry import Retry

        retry = GithubRetry(
            total=self.retries,
            backoff_factor=self.backoff_seconds,
            secondary_rate_wait=self.secondary_rate_wait,
            # PATCH (edit) is idempotent; a retried POST can duplicate, which upsert cleans up.
            allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | {"GET", "POST", "PATCH"},
        )
        return Github(
            auth=Auth.Token(self.token),
            base_url=self.api_url.rstrip("/"),
            retry=retry,
            timeout=20,
            per_page=100,
            seconds_between_requests=self.seconds_between_requests,
            seconds_between_writes=self.seconds_between_writes,
        )


class CommentThread:
    """The issue comments of one pull request, through PyGithub."""

    def __init__(self, github: Github, repository: str, pr_number: int) -> None:
        self._github = github
        self._repository = repository
        self._pr_number = pr_number
        self._issue: Issue | None = None

    def own_login(self) -> str:
        from github import GithubException

        try:
            return str(self._github.get_user().login)
        except GithubException as error:
            if error.status == 403:
                return ACTIONS_BOT_LOGIN  # installation token: see the module docstring
            raise

    def _get_issue(self) -> Issue:
        if self._issue is None:
            self._issue = self._github.get_repo(self._repository).get_issue(self._pr_number)
        return self._issue

    def find(self, marker: str, login: str) -> list[IssueComment]:
        """This login's comments carrying `marker`, oldest first."""
        found = [
            comment
            for comment in self._get_issue().get_comments()
            if comment.user is not None and comment.user.login == login and marker in (comment.body or "")
        ]
        return sorted(found, key=lambda comment: comment.id)

    def upsert(self, marker: str, body: str) -> CommentResult:
        login = self.own_login()
        existing = self.find(marker, login)
        if existing:
            survivor = existing[0]
            survivor.edit(body)
            self._delete_all(existing[1:])
            return CommentResult(
                CommentOutcome.UPDATED, "updated the PR comment", survivor.id, survivor.html_url
            )
        created = self._get_issue().create_comment(body)
        author = created.user.login if created.user is not None else login
        mine = self.find(marker, author)
        survivor = mine[0] if mine else created
        if survivor.id != created.id:
            survivor.edit(body)
        self._delete_all([comment for comment in mine if comment.id > survivor.id])
        if survivor.id != created.id:
            return CommentResult(
                CommentOutcome.UPDATED, "another report created the comment first; updated it", survivor.id,
                survivor.html_url,
            )  # fmt: skip
        return CommentResult(CommentOutcome.CREATED, "created the PR comment", created.id, created.html_url)

    @staticmethod
    def _delete_all(comments: list[IssueComment]) -> None:
        from github import GithubException

        for comment in comments:
            try:
                comment.delete()
            except GithubException as error:
                if error.status != 404:  # 404: the concurrent report deleted it already
                    raise


def publish(connection: GithubConnection, repository: str, pr_number: int | None, marker: str, body: str,
            *, is_fork: bool = False) -> CommentResult:  # fmt: skip
    """Upsert the comment, or say why not. Never raises for GitHub trouble: the report's exit code
    is about the tests, so failures come back as FAILED with a message for a warning."""
    if is_fork:
        return CommentResult(
            CommentOutcome.SKIPPED, "fork pull request: no token to comment with; job summary only"
        )
    if not connection.token:
        return CommentResult(CommentOutcome.SKIPPED, "no GitHub token: job summary only")
    if pr_number is None:
        return CommentResult(CommentOutcome.SKIPPED, "no pull request number: job summary only")
    from github import GithubException
    from requests.exceptions import RequestException
    from urllib3.exceptions import HTTPError

    try:
        return CommentThread(connection.client(), repository, pr_number).upsert(marker, body)
    except GithubException as error:
        detail = error.data.get("message") if isinstance(error.data, dict) else None
        return CommentResult(
            CommentOutcome.FAILED, f"GitHub answered {error.status}: {detail or 'no message'}"
        )
    except (RequestException, HTTPError, OSError) as error:
        return CommentResult(CommentOutcome.FAILED, f"could not reach GitHub: {type(error).__name__}")
