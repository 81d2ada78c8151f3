"""The report as a check run: named after the stack prefix, its summary, its conclusion, and every
failure annotated on its file and line (the Checks API takes 50 annotations per request, so the rest
follow in updates, which append). Needs `checks: write`; without it the job summary is the report,
which is said once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from github import Github, GithubException
from github.GithubObject import NotSet

from runner.github.connection import GithubConnection, TokenKind, failure_message, github_errors

ANNOTATIONS_PER_REQUEST = 50
OUTPUT_LIMIT = 65_535


class AnnotationLevel(Enum):
    FAILURE = "failure"
    WARNING = "warning"
    NOTICE = "notice"


class Conclusion(Enum):
    SUCCESS = "success"
    FAILURE = "failure"


@dataclass(frozen=True)
class CheckAnnotation:
    path: str  # workspace-relative, as GitHub attaches annotations to repository files
    line: int
    level: AnnotationLevel
    message: str
    title: str

    def payload(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "start_line": self.line,
            "end_line": self.line,
            "annotation_level": self.level.value,
            "message": self.message[:OUTPUT_LIMIT] or self.level.value,
            "title": self.title[:255],
        }


@dataclass(frozen=True)
class CheckRunRequest:
    name: str
    head_sha: str
    title: str
    summary: str
    conclusion: Conclusion
    annotations: tuple[CheckAnnotation, ...] = ()
    details_url: str | None = None


class CheckOutcome(Enum):
    CREATED = "created"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class CheckRunResult:
    outcome: CheckOutcome
    message: str
    url: str | None = None


NO_PERMISSION = "no `checks: write` for this token: the report is in the job summary only"


class CheckRuns:
    def __init__(self, github: Github, repository: str) -> None:
        self._github = github
        self._repository = repository

    def publish(self, request: CheckRunRequest) -> CheckRunResult:
        repo = self._github.get_repo(self._repository)
        batches = [
            [
                annotation.payload()
                for annotation in request.annotations[start : start + ANNOTATIONS_PER_REQUEST]
            ]
            for start in range(0, len(request.annotations), ANNOTATIONS_PER_REQUEST)
        ] or [[]]
        output = {"title": request.title[:255], "summary": request.summary[:OUTPUT_LIMIT]}
        check_run = repo.create_check_run(
            name=request.name,
            head_sha=request.head_sha,
            status="completed",
            conclusion=request.conclusion.value,
            output={**output, "annotations": batches[0]},
            details_url=request.details_url or NotSet,
        )
        for batch in batches[1:]:  # each update appends its annotations to the run's
            check_run.edit(output={**output, "annotations": batch})
        count = len(request.annotations)
        return CheckRunResult(
            CheckOutcome.CREATED, f"check run {request.name!r} with {count} annotation(s)", check_run.html_url
        )


def publish_check_run(
    connection: GithubConnection, repository: str, request: CheckRunRequest
) -> CheckRunResult:
    """Never raises for GitHub trouble; a refusal (403) becomes SKIPPED with the reason."""
    if not connection.token:
        return CheckRunResult(CheckOutcome.SKIPPED, "no GitHub token: job summary only")
    if connection.token_kind is TokenKind.CLASSIC_PAT:
        # GitHub documents that classic PATs cannot create check runs: do not even ask.
        return CheckRunResult(CheckOutcome.SKIPPED, NO_PERMISSION)

    try:
        return CheckRuns(connection.client(), repository).publish(request)
    except GithubException as error:
        if error.status in (403, 404):
            return CheckRunResult(CheckOutcome.SKIPPED, NO_PERMISSION)
        return CheckRunResult(CheckOutcome.FAILED, failure_message(error))
    except github_errors() as error:
        return CheckRunResult(CheckOutcome.FAILED, failure_message(error))
