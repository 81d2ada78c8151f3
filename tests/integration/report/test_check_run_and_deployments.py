"""The check run and the GitHub deployment against the strict local GitHub API: annotations in
batches of 50, refusals for tokens without the permission, a deployment's statuses and its end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from runner.github.checks import (
    AnnotationLevel,
    CheckAnnotation,
    CheckOutcome,
    CheckRunRequest,
    Conclusion,
    publish_check_run,
)
from runner.github.connection import GithubConnection
from runner.github.deployments import DeploymentTarget, DeploymentTracker, deactivate_environment

from .github_server import FakeGitHub

SHA = "0123456789abcdef0123456789abcdef01234567"
CHECKS_TOKEN = "ghs_checksWriter0123456789"
DEPLOY_TOKEN = "ghs_deploymentsWriter0123456789"
PAT = "ghp_classicToken0123456789"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    server.grant_actions_token(CHECKS_TOKEN, {"checks": "write"})
    server.grant_actions_token(DEPLOY_TOKEN, {"deployments": "write"})
    server.grant_pat(PAT)
    yield server
    server.stop()
    assert server.violations == []


def connection(server: FakeGitHub, token: str) -> GithubConnection:
    return GithubConnection(
        token=token, api_url=server.url, retries=1, seconds_between_requests=0, seconds_between_writes=0
    )


def check_request(failures: int) -> CheckRunRequest:
    annotations = tuple(
        CheckAnnotation(f"tests/test_{i % 7}.py", i + 1, AnnotationLevel.FAILURE, f"assert {i}", f"test {i}")
        for i in range(failures)
    )
    return CheckRunRequest(
        "serverless-pr-test (shop)", SHA, "Failed", "## summary", Conclusion.FAILURE, annotations
    )


def test_every_failure_is_annotated_fifty_per_request(github: FakeGitHub) -> None:
    result = publish_check_run(connection(github, CHECKS_TOKEN), "acme/shop", check_request(120))
    assert result.outcome is CheckOutcome.CREATED
    (run,) = github.check_runs.values()
    assert run.requests == 3  # create with 50, then two updates that append 50 and 20
    assert len(run.annotations) == 120
    assert [a["start_line"] for a in run.annotations] == list(range(1, 121))
    assert (run.conclusion, run.summary) == ("failure", "## summary")
    assert result.url == f"https://github.example/acme/shop/runs/{run.id}"


def test_a_run_without_failures_is_one_request(github: FakeGitHub) -> None:
    assert publish_check_run(connection(github, CHECKS_TOKEN), "acme/shop", check_request(0)).url
    assert github.count("POST", "/check-runs") == 1
    assert github.count("PATCH", "/check-runs") == 0


def test_without_checks_write_the_check_run_is_skipped_with_the_reason(github: FakeGitHub) -> None:
    result = publish_check_run(connection(github, DEPLOY_TOKEN), "acme/shop", check_request(3))
    assert result.outcome is CheckOutcome.SKIPPED
    assert "checks: write" in result.message
    assert github.check_runs == {}


def test_a_classic_pat_is_not_even_tried_for_a_check_run(github: FakeGitHub) -> None:
    result = publish_check_run(connection(github, PAT), "acme/shop", check_request(3))
    assert result.outcome is CheckOutcome.SKIPPED
    assert github.requests == []


def test_a_deployment_goes_in_progress_then_success_with_its_url_and_destroy_ends_it(
    github: FakeGitHub,
) -> None:
    warnings: list[str] = []
    target = DeploymentTarget("acme/shop", 7, SHA, log_url="https://github.example/acme/shop/actions/runs/1")
    tracker = DeploymentTracker(connection(github, DEPLOY_TOKEN), target, warnings.append)
    tracker.start("shop-pr-7")
    tracker.finish(True, "https://abc.execute-api.us-east-1.amazonaws.com/prod/")
    (deployment,) = github.deployments.values()
    assert (deployment.environment, deployment.ref) == ("pr-7", SHA)
    assert deployment.statuses == [
        ("in_progress", None),
        ("success", "https://abc.execute-api.us-east-1.amazonaws.com/prod/"),
    ]
    line = deactivate_environment(connection(github, DEPLOY_TOKEN), "acme/shop", 7)
    assert line == "GitHub environment pr-7: 1 deployment(s) marked inactive"
    assert deployment.statuses[-1] == ("inactive", None)
    assert warnings == []


def test_a_failed_deploy_marks_the_deployment_failed(github: FakeGitHub) -> None:
    tracker = DeploymentTracker(
        connection(github, DEPLOY_TOKEN), DeploymentTarget("acme/shop", 7, SHA), print
    )
    tracker.start("shop-pr-7")
    tracker.finish(False, None)
    (deployment,) = github.deployments.values()
    assert [state for state, _ in deployment.statuses] == ["in_progress", "failure"]


def test_without_deployments_write_there_is_one_warning_and_no_exception(github: FakeGitHub) -> None:
    warnings: list[str] = []
    tracker = DeploymentTracker(
        connection(github, CHECKS_TOKEN), DeploymentTarget("acme/shop", 7, SHA), warnings.append
    )
    tracker.start("shop-pr-7")
    tracker.finish(True, None)
    assert warnings == [
        "no GitHub deployment for pr-7: GitHub answered 403: Resource not accessible by integration"
    ]
    assert github.deployments == {}
