"""`serverless-pr-test janitor` as a subprocess against the local endpoint and a local GitHub API:
expired and closed-PR stacks go (with their leftover test captures); open PRs, unknown PRs, other
repositories' and unmanaged stacks stay; `--dry-run` deletes nothing."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from runner.tags import EXPIRES_AT, MANAGED, PR, REPOSITORY, RUN_ID, format_time
from tests.support.cli import run_cli
from tests.support.engine import endpoint_fixture

from .pulls_server import PullsServer

OURS = "acme/shop"
TOKEN = "ghs_janitorTestToken0123456789abcdef"
QUEUE = {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}
PAST = format_time(datetime.now(UTC) - timedelta(hours=1))
FUTURE = format_time(datetime.now(UTC) + timedelta(hours=12))


endpoint = endpoint_fixture("module")


_FREE_REGIONS = iter(["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "ap-south-1", "sa-east-1"])


@pytest.fixture
def region():
    """A region of its own per test: the janitor sweeps a whole region, and the engine keeps its state
    per account and region for as long as the process lives."""
    return next(_FREE_REGIONS)


@pytest.fixture
def github():
    server = PullsServer(OURS, {1: "open", 2: "closed", 3: "open"}).start()
    yield server
    server.stop()


@pytest.fixture
def aws(endpoint, region):
    session = boto3.Session(region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")
    return lambda service: session.client(service, endpoint_url=endpoint.url)


def tags(repository=OURS, pr=None, expires=FUTURE, managed=True):
    found = {REPOSITORY: repository, EXPIRES_AT: expires, RUN_ID: "99-1"}
    if managed:
        found[MANAGED] = "true"
    if pr is not None:
        found[PR] = str(pr)
    return found


def create_stack(aws, name, stack_tags):
    aws("cloudformation").create_stack(
        StackName=name,
        TemplateBody=json.dumps(QUEUE),
        Tags=[{"Key": key, "Value": value} for key, value in stack_tags.items()],
    )


def create_capture(aws, bus, capture_tags, with_rule=True):
    """What `capture_events` leaves after a crash: a tagged queue, and a tagged rule targeting it."""
    name = f"spt-capture-99-1-{uuid.uuid4().hex[:8]}"
    queue_url = aws("sqs").create_queue(QueueName=name, tags=capture_tags)["QueueUrl"]
    if with_rule:
        arn = aws("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        aws("events").put_rule(
            Name=name,
            EventBusName=bus,
            EventPattern=json.dumps({"source": ["shop"]}),
            Tags=[{"Key": key, "Value": value} for key, value in capture_tags.items()],
        )
        aws("events").put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "spt-capture", "Arn": arn}])
    return name


def live_stacks(aws):
    return {
        summary["StackName"]
        for summary in aws("cloudformation").list_stacks()["StackSummaries"]
        if summary["StackStatus"] != "DELETE_COMPLETE"
    }


def queues(aws):
    return {
        url.rsplit("/", 1)[1]
        for url in aws("sqs").list_queues().get("QueueUrls", [])
        if "spt-capture-" in url
    }


def rules(aws, bus):
    return {rule["Name"] for rule in aws("events").list_rules(EventBusName=bus).get("Rules", [])}


@pytest.fixture
def account(aws):
    """Every kind of stack and capture the janitor must tell apart."""
    create_stack(aws, "shop-pr-1", tags(pr=1, expires=PAST))  # expired (PR still open)
    create_stack(aws, "shop-pr-2", tags(pr=2))  # PR closed: both of its stacks go
    create_stack(aws, "shop-pr-2-data", tags(pr=2))
    create_stack(aws, "shop-pr-3", tags(pr=3))  # open PR, not expired
    create_stack(aws, "shop-pr-5", tags(pr=5))  # GitHub does not know PR 5: never a reason to delete
    create_stack(aws, "other-pr-2", tags(repository="acme/other", pr=2, expires=PAST))
    create_stack(aws, "legacy-app", tags(pr=2, expires=PAST, managed=False))
    create_stack(aws, "legacy-bare", {})
    bus = "orders-events"
    aws("events").create_event_bus(Name=bus)
    return {
        "bus": bus,
        "closed_rule": create_capture(aws, bus, tags(pr=2)),
        "expired_queue": create_capture(aws, bus, tags(pr=3, expires=PAST), with_rule=False),
        "open_rule": create_capture(aws, bus, tags(pr=3)),
        "foreign_rule": create_capture(aws, bus, tags(repository="acme/other", pr=2, expires=PAST)),
    }


def janitor(endpoint, region, github, tmp_path, *extra, token=TOKEN):
    summary = tmp_path / "summary.md"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "AWS_", "SPT_"))}
    env.update(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_REPOSITORY": OURS,
            "GITHUB_API_URL": github.url,
            "GITHUB_STEP_SUMMARY": str(summary),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": region,
        }
    )
    if token:
        env["GITHUB_TOKEN"] = token
    completed = run_cli(["janitor", "--endpoint-url", endpoint.url, *extra], tmp_path, env)
    return completed, summary.read_text() if summary.exists() else ""


def test_janitor_destroys_expired_and_closed_pr_stacks_only(endpoint, region, github, aws, account, tmp_path):
    completed, summary = janitor(endpoint, region, github, tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert live_stacks(aws) == {"shop-pr-3", "shop-pr-5", "other-pr-2", "legacy-app", "legacy-bare"}
    assert rules(aws, account["bus"]) == {account["open_rule"], account["foreign_rule"]}
    assert queues(aws) == {account["open_rule"], account["foreign_rule"]}
    assert "| shop-pr-1 | #1 | expired | deleted:" in summary
    assert "| shop-pr-2, shop-pr-2-data | #2 | PR closed | deleted:" in summary
    # legacy-app, legacy-bare and other-pr-2
    assert "3 other stack(s) not ours, untouched" in summary
    assert "2 managed stack(s) kept" in summary
    # One lookup per PR number not already expired, authenticated; the token never printed.
    assert sorted(github.requests) == [f"/repos/{OURS}/pulls/{n}" for n in (2, 3, 5)]
    assert all(TOKEN in header for header in github.authorizations)
    assert TOKEN not in completed.stdout.replace(f"::add-mask::{TOKEN}", "")
    assert TOKEN not in completed.stderr


def test_janitor_dry_run_deletes_nothing(endpoint, region, github, aws, account, tmp_path):
    before = (live_stacks(aws), queues(aws), rules(aws, account["bus"]))
    completed, summary = janitor(endpoint, region, github, tmp_path, "--dry-run")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert (live_stacks(aws), queues(aws), rules(aws, account["bus"])) == before
    assert "(dry run: nothing deleted)" in summary
    assert "| shop-pr-1 | #1 | expired | would delete (dry run):" in summary
    assert "| shop-pr-2, shop-pr-2-data | #2 | PR closed | would delete (dry run):" in summary
    assert "shop-pr-3 |" not in summary


def test_janitor_without_a_token_removes_only_expired_stacks(
    endpoint, region, github, aws, account, tmp_path
):
    completed, _ = janitor(endpoint, region, github, tmp_path, "--repository", OURS, token=None)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no GITHUB_TOKEN: PR states unknown" in completed.stdout
    assert github.requests == []
    assert "shop-pr-1" not in live_stacks(aws)
    assert {"shop-pr-2", "shop-pr-2-data", "shop-pr-3"} <= live_stacks(aws)
