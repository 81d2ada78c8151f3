"""The composite action, executed step by step like the GitHub runner would, through a whole PR:
deploy -> test shard 1/2 and 2/2 -> report (to a local GitHub API) -> destroy, on the local endpoint.

Each job gets its own workspace (a fresh "checkout" of the fixture app); what the workflow moves
between jobs with artifacts (the deployment record, each shard's results) is copied the same way.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import boto3
import pytest

from .conftest import ORDERS_APP, REPO_ROOT, load_fake_github
from .gha_interpreter import Job, run_action

pytestmark = pytest.mark.e2e
REPOSITORY = "acme/shop"
PR_NUMBER = 7
RUN_ID = "4242"
TOKEN = "ghs_fakeTokenForTheLocalApi0123456789"


@pytest.fixture(scope="module")
def github():
    server = load_fake_github()(repository=REPOSITORY, pr_number=PR_NUMBER).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def event_file(tmp_path_factory):
    repo = {"full_name": REPOSITORY}
    event = {
        "action": "synchronize",
        "number": PR_NUMBER,
        "pull_request": {
            "number": PR_NUMBER,
            "title": "Add `orders` $(touch /tmp/pwned) <b>",
            "head": {"sha": "0123456789abcdef0123456789abcdef01234567", "repo": repo},
            "base": {"repo": repo},
        },
    }
    path = tmp_path_factory.mktemp("event") / "event.json"
    path.write_text(json.dumps(event))
    return path


@pytest.fixture(scope="module")
def new_job(tmp_path_factory, endpoint, github, event_file):
    """A job on a fresh runner: its own workspace with the app checked out, its own temp dir."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITHUB_", "SPT_", "INPUT_", "AWS_", "RUNNER_", "CDK_"))
    }
    venv_bin = str(Path(os.sys.executable).parent)

    def make(name: str) -> Job:
        root = tmp_path_factory.mktemp(name)
        workspace, temp = root / "workspace", root / "temp"
        temp.mkdir()
        shutil.copytree(
            ORDERS_APP, workspace / "orders", ignore=shutil.ignore_patterns("cdk.out", "__pycache__")
        )
        env = dict(inherited)
        env["PATH"] = os.pathsep.join([venv_bin, inherited.get("PATH", "")])
        env.update(
            {
                "GITHUB_ACTIONS": "true",
                "CI": "true",
                "GITHUB_REPOSITORY": REPOSITORY,
                "GITHUB_EVENT_NAME": "pull_request",
                "GITHUB_EVENT_PATH": str(event_file),
                "GITHUB_RUN_ID": RUN_ID,
                "GITHUB_RUN_ATTEMPT": "1",
                "GITHUB_SHA": "fedcba9876543210fedcba9876543210fedcba98",
                "GITHUB_API_URL": github.url,
                "GITHUB_WORKSPACE": str(workspace),
                "RUNNER_TEMP": str(temp),
                "RUNNER_OS": "Linux",
                # What aws-actions/configure-aws-credentials would export: credentials and region.
                "AWS_ACCESS_KEY_ID": endpoint.env()["AWS_ACCESS_KEY_ID"],
                "AWS_SECRET_ACCESS_KEY": endpoint.env()["AWS_SECRET_ACCESS_KEY"],
                "AWS_REGION": endpoint.region,
                "AWS_DEFAULT_REGION": endpoint.region,
            }
        )
        context = {
            "token": TOKEN,
            "repository": REPOSITORY,
            "run_id": RUN_ID,
            "run_attempt": "1",
            "event_name": "pull_request",
            "event": json.loads(event_file.read_text()),
        }
        return Job(workspace=workspace, runner_temp=temp, env=env, github=context)

    return make


def live_stacks(endpoint):
    client = boto3.client(
        "cloudformation",
        endpoint_url=endpoint.url,
        region_name=endpoint.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return {
        summary["StackName"]
        for summary in client.list_stacks()["StackSummaries"]
        if summary["StackStatus"] != "DELETE_COMPLETE"
    }


def test_pr_flow_deploys_tests_in_two_shards_reports_and_destroys(new_job, endpoint, github):
    common = {"app-directory": "orders", "endpoint-url": endpoint.url}

    deploy_job = new_job("deploy")
    deploy = run_action(REPO_ROOT, {**common, "command": "deploy"}, deploy_job)
    assert deploy.succeeded, deploy_job.log
    assert deploy.step("Set up Python").note.startswith("not executed here: tool set-up action")
    assert deploy.outputs["stack-names"] == f"orders-pr-{PR_NUMBER}"
    assert set(json.loads(deploy.outputs["outputs-json"])) == {"QueueUrl", "BucketName", "FunctionName"}
    record = Path(deploy.outputs["record-path"])
    assert record.is_file()
    assert record.is_relative_to(deploy_job.workspace)
    assert "::group::Deploy orders-pr-7" in deploy_job.log

    results_by_shard = {}
    for shard in (1, 2):
        test_job = new_job(f"test-{shard}")
        (test_job.workspace / ".serverless-pr-test").mkdir()
        shutil.copy(
            record, test_job.workspace / ".serverless-pr-test" / "deployment.json"
        )  # download-artifact
        run = run_action(
            REPO_ROOT,
            {
                **common,
                "command": "test",
                "shard": str(shard),
                "total-shards": "2",
                "pytest-args": "-p no:cacheprovider",
            },
            test_job,
        )
        assert run.succeeded, test_job.log
        assert f"--shard {shard}/2" in test_job.log
        results_by_shard[shard] = test_job.workspace / "results"
        assert (results_by_shard[shard] / f"shard-{shard}.xml").is_file()

    report_job = new_job("report")
    (report_job.workspace / ".serverless-pr-test").mkdir()
    shutil.copy(record, report_job.workspace / ".serverless-pr-test" / "deployment.json")
    for shard, results in results_by_shard.items():  # download-artifact with a pattern: one folder each
        shutil.copytree(results, report_job.workspace / "results" / f"results-{RUN_ID}-1-shard-{shard}")
    report = run_action(
        REPO_ROOT, {**common, "command": "report", "total-shards": "2", "github-token": TOKEN}, report_job
    )
    assert report.succeeded, report_job.log
    assert report.outputs["passed"] == "true"
    assert report.outputs["failed"] == "0"
    assert Path(report.outputs["report-path"]).is_file()
    assert float(report.outputs["cost"]) >= 0
    assert "Passed: 3 tests on 2 shards" in report_job.summary
    [comment] = github.comments.values()
    assert comment.body.startswith("<!-- serverless-pr-test:report prefix=orders -->")
    assert "Passed: 3 tests on 2 shards" in comment.body
    assert (report_job.workspace / ".serverless-pr-test" / "durations.json").is_file()
    # The token reached the runner (the comment exists) and was only ever printed to be masked.
    raw = "".join(step.raw_output for step in report.steps)
    assert raw.count(TOKEN) == raw.count(f"::add-mask::{TOKEN}") >= 1
    assert TOKEN not in report_job.log

    kept_job = new_job("destroy-kept")
    kept = run_action(REPO_ROOT, {**common, "command": "destroy", "keep-stack": "true"}, kept_job)
    assert kept.succeeded, kept_job.log
    assert "keep-stack is set" in kept_job.log
    assert f"orders-pr-{PR_NUMBER}" in live_stacks(endpoint)

    # Like the workflow's destroy job: no record, the PR number comes from the event.
    destroy_job = new_job("destroy")
    destroy = run_action(REPO_ROOT, {**common, "command": "destroy"}, destroy_job)
    assert destroy.succeeded, destroy_job.log
    assert "destroyed 1 stack(s), 0 leftovers" in destroy_job.log
    assert {name for name in live_stacks(endpoint) if name != "CDKToolkit"} == set()


def test_a_failing_step_skips_the_rest_and_fails_the_action(new_job):
    job = new_job("bad-input")
    run = run_action(REPO_ROOT, {"command": "explode"}, job)
    assert not run.succeeded
    assert run.step("Run serverless-pr-test").outcome == "failure"
    assert "input `command` must be one of" in job.log


def test_janitor_through_the_action_removes_an_expired_stack_without_node(new_job, endpoint):
    from runner import tags as tag

    region = "ca-central-1"  # a region of its own: the janitor sweeps whole regions
    cloudformation = boto3.client(
        "cloudformation",
        endpoint_url=endpoint.url,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    expired = {
        tag.MANAGED: "true",
        tag.REPOSITORY: REPOSITORY,
        tag.PR: "7",
        tag.EXPIRES_AT: "2020-01-01T00:00:00Z",
    }
    foreign = {**expired, tag.REPOSITORY: "acme/other"}
    for name, tags in (("shop-pr-7", expired), ("billing-pr-7", foreign)):
        cloudformation.create_stack(
            StackName=name,
            TemplateBody=json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}),
            Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
        )
    job = new_job("janitor")
    run = run_action(
        REPO_ROOT,
        {"command": "janitor", "endpoint-url": endpoint.url, "aws-region": region, "github-token": TOKEN},
        job,
    )
    assert run.succeeded, job.log
    assert run.step("Set up Node.js").outcome == "skipped"
    assert run.step("Install the pinned CDK CLI").outcome == "skipped"
    live = {
        summary["StackName"]
        for summary in cloudformation.list_stacks()["StackSummaries"]
        if summary["StackStatus"] != "DELETE_COMPLETE"
    }
    assert live == {"billing-pr-7"}, job.log
    assert "| shop-pr-7 | #7 | expired | deleted:" in job.summary


def test_a_checkout_of_the_runner_in_the_workspace_does_not_pass_for_an_installed_one(new_job):
    """`uses: ./` on a runner whose Python lacks the runner: it must build its venv, not import the
    checkout from the working directory. (pip is cut off from every index here, so the install fails
    fast instead of downloading; the point is which branch the step takes.)"""
    job = new_job("no-runner-installed")
    checkout = job.workspace  # `uses: ./`: the action path is the workspace itself
    shutil.copytree(REPO_ROOT / "runner", checkout / "runner", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("action.yml", "pyproject.toml", "package.json", "package-lock.json", "README.md"):
        shutil.copy(REPO_ROOT / name, checkout / name)
    base_python_bin = Path(sys.base_prefix) / "bin"
    job.env["PATH"] = os.pathsep.join([str(base_python_bin), "/usr/bin", "/bin"])
    job.env.update({"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": ""})
    run = run_action(checkout, {"command": "janitor"}, job)
    install = run.step("Install the runner")
    assert install.outcome == "failure"
    assert "Using the runner this Python already imports" not in install.raw_output
    assert (job.runner_temp / "serverless-pr-test" / "venv" / "bin" / "python").exists()
    assert run.step("Run serverless-pr-test").outcome == "skipped"
