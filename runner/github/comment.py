"""The sticky PR comment: one per stack prefix, updated in place on every push, never duplicated.

It needs only `pull-requests: write`: the PR is read through the pulls endpoint and the comments
through its issue-comments endpoints (`GET /repos/{o}/{r}/issues/{n}` would need Issues: read).
Found by its hidden marker AND its author being this token's own login (GraphQL `viewer`), so
another tool's or person's comment quoting the marker is never touched, for PATs, App tokens and
the Actions GITHUB_TOKEN alike.

Two reports racing (two pushes in quick succession) can both find nothing and both create. After a
create each re-lists: the oldest matching comment survives, takes this report's body, and every
newer one is deleted (a 404 on delete means the other report already did it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from github import Github, GithubException
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest

from runner.github.connection import GithubConnection, failure_message, github_errors, viewer_login

OUTCOME_TAG = "<!-- serverless-pr-test:outcome "


class CommentMode(Enum):
    """When the report comments: every run, when the outcome changed, only on failure, never."""

    ALWAYS = "always"
    CHANGES = "changes"
    FAILURES = "failures"
    OFF = "off"


class CommentOutcome(Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class CommentResult:
    outcome: CommentOutcome
    message: str
    comment_id: int | None = None
    url: str | None = None


@dataclass(frozen=True)
class CommentRequest:
    """What to post. `outcome_key` names the test outcome (counts, failing tests): `changes` mode
    compares it with the one the comment carries; `failed` drives `failures` mode."""

    marker: str
    body: str
    mode: CommentMode = CommentMode.ALWAYS
    outcome_key: str = ""
    failed: bool = False

    @property
    def full_body(self) -> str:
        return f"{self.body}\n{OUTCOME_TAG}{self.outcome_key} -->" if self.outcome_key else self.body


def _outcome_key_of(body: str) -> str | None:
    start = body.rfind(OUTCOME_TAG)
    if start < 0:
        return None
    return body[start + len(OUTCOME_TAG) :].split(" -->", 1)[0]


class CommentThread:
    """The issue comments of one pull request, reached through the pull (pulls permission)."""

    def __init__(self, github: Github, repository: str, pr_number: int) -> None:
        self._github = github
        self._repository = repository
        self._pr_number = pr_number
        self._pull: PullRequest | None = None

    def own_login(self) -> str:
        return viewer_login(self._github)

    def _get_pull(self) -> PullRequest:
        if self._pull is None:
            # GET /repos/{o}/{r} (metadata), then GET /repos/{o}/{r}/pulls/{n}, never /issues/{n}.
            repo = self._github.get_repo(self._repository)
            self._pull = repo.get_pull(self._pr_number)
        return self._pull

    def find(self, marker: str, login: str) -> list[IssueComment]:
        """This login's comments carrying `marker`, oldest first."""
        found = [
            comment
            for comment in self._get_pull().get_issue_comments()
            if comment.user is not None and comment.user.login == login and marker in (comment.body or "")
        ]
        return sorted(found, key=lambda comment: comment.id)

    def upsert(self, request: CommentRequest) -> CommentResult:
        login = self.own_login()
        existing = self.find(request.marker, login)
        if existing:
            return self._update(existing, request)
        if request.mode is CommentMode.FAILURES and not request.failed:
            return CommentResult(CommentOutcome.SKIPPED, "comment-mode failures: the run passed, no comment")
        body = request.full_body
        created = self._get_pull().create_issue_comment(body)
        author = created.user.login if created.user is not None else login
        mine = self.find(request.marker, author)
        survivor = mine[0] if mine else created
        if survivor.id != created.id and survivor.body != body:
            survivor.edit(body)
        self._delete_all([comment for comment in mine if comment.id > survivor.id])
        if survivor.id != created.id:
            return CommentResult(
                CommentOutcome.UPDATED, "another report created the comment first; updated it", survivor.id,
                survivor.html_url,
            )  # fmt: skip
        return CommentResult(CommentOutcome.CREATED, "created the PR comment", created.id, created.html_url)

    def _update(self, existing: list[IssueComment], request: CommentRequest) -> CommentResult:
        survivor, duplicates = existing[0], existing[1:]
        self._delete_all(duplicates)
        body = request.full_body
        same_outcome = _outcome_key_of(survivor.body or "") == request.outcome_key
        if survivor.body == body:
            message = "the PR comment already says this; not edited"
            return CommentResult(CommentOutcome.UNCHANGED, message, survivor.id, survivor.html_url)
        if request.mode is CommentMode.CHANGES and request.outcome_key and same_outcome:
            message = "comment-mode changes: same test outcome as the comment; not edited"
            return CommentResult(CommentOutcome.UNCHANGED, message, survivor.id, survivor.html_url)
        survivor.edit(body)
        return CommentResult(CommentOutcome.UPDATED, "updated the PR comment", survivor.id, survivor.html_url)

    @staticmethod
    def _delete_all(comments: list[IssueComment]) -> None:
        for comment in comments:
            try:
                comment.delete()
            except GithubException as error:
                if error.status != 404:  # 404: the concurrent report deleted it already
                    raise


def publish(connection: GithubConnection, repository: str, pr_number: int | None, request: CommentRequest,
            *, is_fork: bool = False) -> CommentResult:  # fmt: skip
    """Upsert the comment, or say why not. Never raises for GitHub trouble: the report's exit code
    is about the tests, so failures come back as FAILED with a message for a warning."""
    if request.mode is CommentMode.OFF:
        return CommentResult(CommentOutcome.SKIPPED, "comment-mode off")
    if is_fork:
        return CommentResult(
            CommentOutcome.SKIPPED, "fork pull request: no token to comment with; job summary only"
        )
    if not connection.token:
        return CommentResult(CommentOutcome.SKIPPED, "no GitHub token: job summary only")
    if pr_number is None:
        return CommentResult(CommentOutcome.SKIPPED, "no pull request number: job summary only")
    try:
        return CommentThread(connection.client(), repository, pr_number).upsert(request)
    except github_errors() as error:
        return CommentResult(CommentOutcome.FAILED, failure_message(error))
