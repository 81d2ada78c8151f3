"""The report's GitHub outputs: the sticky comment (by comment mode) and the check run, built from a
Report; each outcome said once (a line, or one notice/warning), URLs returned for the step outputs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from runner import gha
from runner.github.checks import (
    AnnotationLevel,
    CheckAnnotation,
    CheckOutcome,
    CheckRunRequest,
    Conclusion,
    publish_check_run,
)
from runner.github.comment import CommentMode, CommentOutcome, CommentRequest, publish
from runner.github.connection import GithubConnection
from runner.report.junit.model import FailureDetail
from runner.report.model import Report

TITLE = "serverless-pr-test report"
# A failure -> its repository-relative path and line, or (None, None) when it has no file here.
PathOf = Callable[[FailureDetail], tuple[str | None, int | None]]


@dataclass(frozen=True)
class GithubOutputs:
    comment_url: str = ""
    check_url: str = ""


def outcome_key(report: Report) -> str:
    """What `comment-mode: changes` compares: pass/fail, the counts and which tests failed."""
    counts = report.results.counts
    failing = "\n".join(sorted(failure.nodeid for failure in report.results.failures))
    digest = hashlib.sha256(failing.encode()).hexdigest()[:12]
    verdict = "passed" if report.passed else "failed"
    return f"{verdict} p{counts.passed} f{counts.failed} e{counts.errors} s{counts.skipped} {digest}"


def check_annotations(report: Report, path_of: PathOf) -> tuple[CheckAnnotation, ...]:
    """Every failure with a repository file; the rest are in the summary (the API needs a path)."""
    annotations = []
    for failure in report.results.failures:
        path, line = path_of(failure)
        if path is None:
            continue
        annotations.append(
            CheckAnnotation(
                path=path,
                line=line or failure.line or 1,
                level=AnnotationLevel.FAILURE,
                message=failure.message or failure.failure_type or failure.outcome.value,
                title=f"{failure.outcome.value}: {failure.nodeid}",
            )
        )
    return tuple(annotations)


def check_title(report: Report) -> str:
    counts = report.results.counts
    failed = counts.failed + counts.errors
    verdict = "Passed" if report.passed else "Failed"
    return f"{verdict}: {counts.passed} passed, {failed} failed, {counts.skipped} skipped"


def publish_to_github(
    report: Report,
    env: Mapping[str, str],
    *,
    comment_body: str,
    summary: str,
    mode: CommentMode,
    check_run: bool,
    is_fork: bool,
    path_of: PathOf,
) -> GithubOutputs:
    connection = GithubConnection.from_env(env)
    gha.add_mask(connection.token)
    comment_url = ""
    if mode is not CommentMode.OFF:
        request = CommentRequest(
            report.run.marker, comment_body, mode, outcome_key(report), not report.passed
        )
        result = publish(connection, report.run.repository, report.run.pr_number, request, is_fork=is_fork)
        comment_url = result.url or ""
        if result.outcome in (CommentOutcome.CREATED, CommentOutcome.UPDATED, CommentOutcome.UNCHANGED):
            print(f"PR comment: {result.message} ({result.url})", flush=True)
        else:
            level = "warning" if result.outcome is CommentOutcome.FAILED else "notice"
            gha.annotation(level, f"PR comment not written: {result.message}", title=TITLE)
    check_url = ""
    commit = report.run.commit
    if check_run and not is_fork and commit and commit != "unknown" and connection.token:
        check = publish_check_run(
            connection,
            report.run.repository,
            CheckRunRequest(
                name=f"serverless-pr-test ({report.run.stack_prefix})",
                head_sha=commit,
                title=check_title(report),
                summary=summary,
                conclusion=Conclusion.SUCCESS if report.passed else Conclusion.FAILURE,
                annotations=check_annotations(report, path_of),
                details_url=report.run.run_url,
            ),
        )
        check_url = check.url or ""
        if check.outcome is CheckOutcome.CREATED:
            print(f"Check run: {check.message} ({check.url})", flush=True)
        else:
            level = "warning" if check.outcome is CheckOutcome.FAILED else "notice"
            gha.annotation(level, f"No check run: {check.message}", title=TITLE)
    return GithubOutputs(comment_url, check_url)
