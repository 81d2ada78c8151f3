"""The reusable workflow (.github/workflows/pr-environment.yml), called the way the README's snippet
calls it, run job by job through the Actions interpreter against the local endpoint and the strict
fake GitHub API: each job's GITHUB_TOKEN has exactly the permissions the README documents, and after
three pushes per token kind there is one comment, a check run with annotations per run, a GitHub
deployment created then made inactive, and no stack left."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import boto3
import pytest

from runner.github.permissions import permission_map

from .conftest import ORDERS_APP, REPO_ROOT, load_fake_github
from .gha_interpreter import Job
from .gha_workflow import Services, Stores, WorkflowRunner

pytestmark = pytest.mark.e2e
REPOSITORY = "acme/shop"
PR = 7
FAILING_TEST = "def test_a_deliberate_failure():\n    assert 1 == 2\n"
CALLER = """\
on:
  pull_request:
    types: [opened, synchronize, reopened, closed]
  push:
    branches: [main]
permissions: {}
jobs:
  pr-environment:
    uses: ./.github/workflows/pr-environment.yml
    permissions:
      contents: read
      id-token: write
      deployments: write
      pull-requests: write
      checks: write
    with:
      app-directory: orders
      environment-url-output: QueueUrl
    secrets:
      deploy-role-arn: ${{ secrets.SPT_DEPLOY_ROLE_ARN }}
      github-token: ${{ secrets.SPT_GITHUB_TOKEN }}
"""


def live_stacks(endpoint) -> set[str]:
    client = boto3.client(
        "cloudformation",
        endpoint_url=endpoint.url,
        region_name=endpoint.region,
        aws_access_key_id=endpoint.env()["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=endpoint.env()["AWS_SECRET_ACCESS_KEY"],
    )
    return {
        s["StackName"]
        for s in client.list_stacks()["StackSummaries"]
        if s["StackStatus"] != "DELETE_COMPLETE" and s["StackName"] != "CDKToolkit"
    }


@pytest.fixture
def github():
    server = load_fake_github()(repository=REPOSITORY, pr_number=PR).start()
    yield server
    server.stop()
    assert server.violations == []


def runner_for(
    tmp_path: Path, github, endpoint, event: dict, event_name: str = "pull_request"
) -> WorkflowRunner:
    tmp_path.mkdir(parents=True, exist_ok=True)
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event))
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "SPT_", "INPUT_", "AWS_", "RUNNER_", "CDK_"))
    }
    venv_bin = str(Path(os.sys.executable).parent)
    counter = iter(range(10_000))

    def make_job(label: str) -> Job:
        root = tmp_path / f"job-{next(counter)}"
        workspace, temp = root / "workspace", root / "temp"
        temp.mkdir(parents=True)
        shutil.copytree(
            ORDERS_APP, workspace / "orders", ignore=shutil.ignore_patterns("cdk.out", "__pycache__")
        )
        (workspace / "orders" / "tests" / "test_failing.py").write_text(FAILING_TEST)
        env = {**inherited, "PATH": os.pathsep.join([venv_bin, inherited.get("PATH", "")])}
        env.update({"GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_REPOSITORY": REPOSITORY,
                    "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_file),
                    "GITHUB_RUN_ID": "4242", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_SERVER_URL": "https://github.example",
                    "GITHUB_SHA": "f" * 40, "GITHUB_API_URL": github.url, "GITHUB_WORKSPACE": str(workspace),
                    "RUNNER_TEMP": str(temp), "RUNNER_OS": "Linux", "AWS_ENDPOINT_URL": endpoint.url,
                    "SPT_GITHUB_RETRIES": "1"})  # fmt: skip
        # The CDK CLI caches account ids per access key in ~/.cdk; another engine's must not leak in.
        env["CDK_HOME"] = str(tmp_path.parent / "cdk-home")
        return Job(workspace=workspace, runner_temp=temp, env=env, github={})

    def mint(permissions: dict[str, str]) -> str:
        return github.grant_actions_token(f"ghs_jobToken{next(counter):04d}abcdefghij", permissions)

    services = Services(
        make_job=make_job,
        mint_job_token=mint,
        action_paths={"$/": REPO_ROOT},
        aws_env={  # what configure-aws-credentials would export
            "AWS_ACCESS_KEY_ID": endpoint.env()["AWS_ACCESS_KEY_ID"],
            "AWS_SECRET_ACCESS_KEY": endpoint.env()["AWS_SECRET_ACCESS_KEY"],
            "AWS_REGION": endpoint.region,
            "AWS_DEFAULT_REGION": endpoint.region,
        },
    )
    return WorkflowRunner(REPO_ROOT, services, Stores(tmp_path / "stores"))


def pr_event(head_sha: str) -> dict:
    repo = {"full_name": REPOSITORY}
    pull = {
        "number": PR,
        "head": {"sha": head_sha, "repo": repo},
        "base": {"repo": repo},
        "user": {"login": "dev"},
    }
    return {"action": "synchronize", "number": PR, "pull_request": pull, "repository": repo}


@pytest.mark.parametrize("kind", ["GITHUB_TOKEN", "classic PAT", "App installation token"])
def test_three_pushes_leave_one_comment_checks_a_deployment_history_and_no_stack(
    tmp_path, github, endpoint, kind
):
    caller = tmp_path / "caller.yml"
    caller.write_text(CALLER)
    token = {
        "GITHUB_TOKEN": "",
        "classic PAT": github.grant_pat("ghp_reportingUser0123456789", login="shop-ci"),
        "App installation token": github.grant_app_token(
            "ghs_appToken0123456789",
            "shop-reporter",
            {"pull_requests": "write", "checks": "write", "deployments": "write"},
        ),
    }[kind]
    secrets = {"SPT_DEPLOY_ROLE_ARN": "arn:aws:iam::123456789012:role/spt-deploy", "SPT_GITHUB_TOKEN": token}
    for push in range(3):
        sha = f"{push}" * 40
        github.pulls[PR].head_sha = sha
        run = runner_for(tmp_path / f"run-{push}", github, endpoint, pr_event(sha)).run(
            caller, "pull_request", pr_event(sha), f"refs/pull/{PR}/merge", secrets, run_id=f"42{push}"
        )
        assert run.results["deploy"] == "success", run.jobs["deploy"].log
        assert run.results["report"] == "failure"  # the deliberate failing test
        assert run.results["destroy"] == "success", run.jobs["destroy"].log
        assert run.results["durations"] == "skipped"
        for job, granted in run.permissions.items():
            assert granted == permission_map().jobs[job], job
        assert run.outputs["comment-url"].startswith("https://github.example/acme/shop/pull/7#issuecomment-")
        assert "::group::" not in run.jobs["deploy"].log.split("::endgroup::")[0].split("::group::", 2)[-1]
        assert "Deployed 1 stack(s)" in run.jobs["deploy"].summary
    assert live_stacks(endpoint) == set()
    (comment,) = github.comments.values()
    assert comment.edits == 2
    check_runs = list(github.check_runs.values())
    if kind == "classic PAT":  # classic PATs cannot create check runs: the job summary is the report
        assert check_runs == []
    else:
        assert [run.head_sha for run in check_runs] == ["0" * 40, "1" * 40, "2" * 40]
        assert all(run.conclusion == "failure" for run in check_runs)
        assert {(a["path"], a["annotation_level"]) for run in check_runs for a in run.annotations} == {
            ("orders/tests/test_failing.py", "failure")
        }
    deployments = list(github.deployments.values())
    assert len(deployments) == 3
    for deployment in deployments:
        states = [state for state, _ in deployment.statuses]
        assert states[:2] == ["in_progress", "success"]
        assert states[-1] == "inactive"
        assert deployment.environment == "pr-7"
    assert all(url and url.startswith("http") for state, url in (d.statuses[1] for d in deployments))
    assert [m for m, path, status in github.refused] == []


def test_a_push_to_the_default_branch_runs_the_suite_locally_and_saves_durations_every_pr_restores(
    tmp_path, github, endpoint
):
    caller = tmp_path / "caller.yml"
    caller.write_text(CALLER)
    push = {"repository": {"full_name": REPOSITORY}, "ref": "refs/heads/main"}
    workflow = runner_for(tmp_path / "push", github, endpoint, push, event_name="push")
    run = workflow.run(caller, "push", push, "refs/heads/main", {"SPT_GITHUB_TOKEN": ""}, run_id="900")
    assert {job: result for job, result in run.results.items() if result != "skipped"} == {
        "durations": "failure"  # the deliberate failing test; the store is saved all the same
    }, run.jobs["durations"].log
    assert run.permissions["durations"] == {"contents": "read"}
    saved = {key: path for (scope, key), path in workflow.stores.caches.items() if scope == "refs/heads/main"}
    [durations] = [
        path for key, path in saved.items() if key.startswith("serverless-pr-test-durations-orders-")
    ]
    assert "tests/test_failing.py::test_a_deliberate_failure" in durations.read_text()
    assert any(key.startswith("serverless-pr-test-pip-") for key in saved)
    assert any(key.startswith("serverless-pr-test-npm-") for key in saved)
    assert github.requests == []  # no token: nothing posted from a push
    assert live_stacks(endpoint) == set()
