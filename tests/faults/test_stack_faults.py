"""Faults around the stacks themselves, through the CLI: a deploy failing half-way (2), a non-empty
versioned bucket (4), two runs for the same PR at once (8), destroy aimed at an unmanaged stack (9),
and a stack left *_IN_PROGRESS by a cancelled run (12). Each ends with no stack on the endpoint."""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import boto3

from runner.polling import eventually

from .conftest import cli, cli_env, live_stacks, output_of, stack_status, start_cli


def deploy_args(app: Path, endpoint, pr: int, work: Path) -> list[str]:
    return ["deploy", str(app), "--endpoint-url", endpoint.url, "--pr", str(pr), "--work-dir", str(work)]


def destroy_args(app: Path, endpoint, pr: int) -> list[str]:
    return ["destroy", str(app), "--endpoint-url", endpoint.url, "--pr", str(pr)]


def test_a_deploy_failing_half_way_rolls_back_with_a_clear_error_and_destroy_leaves_nothing(
    endpoint, make_app, control_dir, tmp_path
):
    app, env, work = make_app(), cli_env(endpoint), tmp_path / "work"
    (control_dir / "faults-pr-602.fail").touch()  # the gate, created after the bucket, answers FAILED
    failed = cli(deploy_args(app, endpoint, 602, work), tmp_path, env)
    assert failed.returncode == 4, output_of(failed)
    assert failed.stderr.startswith("Error: deploy failed: faults-pr-602: ROLLBACK_COMPLETE (Gate ("), (
        failed.stderr
    )
    assert "fault injected: the gate refused to open" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert "CREATE_FAILED" in failed.stdout  # the events streamed as they happened
    # A failed deploy still records what it left, so a plain `destroy` would find it.
    record = json.loads((work / "deployment.json").read_text())
    assert [(stack["name"], stack["status"]) for stack in record["stacks"]] == [
        ("faults-pr-602", "ROLLBACK_COMPLETE")
    ]

    (control_dir / "faults-pr-602.fail").unlink()  # the fix is pushed: the next deploy replaces the wreck
    fixed = cli(deploy_args(app, endpoint, 602, work), tmp_path, env)
    assert fixed.returncode == 0, output_of(fixed)
    assert "ROLLBACK_COMPLETE from a failed create: deleting it first" in fixed.stdout
    destroyed = cli(destroy_args(app, endpoint, 602), tmp_path, env)
    assert destroyed.returncode == 0, output_of(destroyed)
    assert live_stacks(endpoint) == []


def test_destroy_empties_a_non_empty_versioned_bucket(endpoint, make_app, tmp_path):
    app, env, work = make_app(), cli_env(endpoint), tmp_path / "work"
    deployed = cli(deploy_args(app, endpoint, 604, work), tmp_path, env)
    assert deployed.returncode == 0, output_of(deployed)
    bucket = json.loads((work / "deployment.json").read_text())["stacks"][0]["outputs"]["BucketName"]
    s3 = boto3.client("s3", endpoint_url=endpoint.url, region_name=endpoint.region)
    for body in (b"v1", b"v2", b"v3"):
        s3.put_object(Bucket=bucket, Key="reports/daily.csv", Body=body)
    s3.put_object(Bucket=bucket, Key="reports/old.csv", Body=b"old")
    s3.delete_object(Bucket=bucket, Key="reports/old.csv")  # a delete marker over a version
    listing = s3.list_object_versions(Bucket=bucket)
    assert (len(listing["Versions"]), len(listing["DeleteMarkers"])) == (4, 1)

    destroyed = cli(["destroy", "--work-dir", str(work)], tmp_path, env)
    assert destroyed.returncode == 0, output_of(destroyed)
    assert f"emptied bucket {bucket} (5 object versions)" in destroyed.stdout
    assert "destroyed 1 stack(s), 0 leftovers" in destroyed.stdout
    assert bucket not in [item["Name"] for item in s3.list_buckets()["Buckets"]]
    assert live_stacks(endpoint) == []


def test_destroy_refuses_unmanaged_and_foreign_stacks_and_leaves_them_untouched(endpoint, make_app, tmp_path):
    cloudformation = boto3.client("cloudformation", endpoint_url=endpoint.url, region_name=endpoint.region)
    template = json.dumps({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
    foreign = [{"Key": "serverless-pr-test:managed", "Value": "true"},
               {"Key": "serverless-pr-test:repository", "Value": "someone/else"}]  # fmt: skip
    cloudformation.create_stack(StackName="faults-pr-609", TemplateBody=template)  # made by hand
    cloudformation.create_stack(StackName="faults-pr-610", TemplateBody=template, Tags=foreign)
    app, env = make_app(), cli_env(endpoint)
    try:
        for pr, reason in ((609, "did not create it"), (610, "someone/else")):
            before = cloudformation.describe_stack_resources(StackName=f"faults-pr-{pr}")["StackResources"]
            refused = cli(destroy_args(app, endpoint, pr), tmp_path, env)
            assert refused.returncode == 6, output_of(refused)
            assert refused.stderr.startswith("Error: refusing to touch stacks"), refused.stderr
            assert reason in refused.stderr
            assert "Traceback" not in refused.stderr
            assert stack_status(endpoint, f"faults-pr-{pr}") == "CREATE_COMPLETE"
            after = cloudformation.describe_stack_resources(StackName=f"faults-pr-{pr}")["StackResources"]
            assert [r["PhysicalResourceId"] for r in after] == [r["PhysicalResourceId"] for r in before]
    finally:  # they are the test's own stacks, not the runner's: removed by hand as they were made
        for name in ("faults-pr-609", "faults-pr-610"):
            cloudformation.delete_stack(StackName=name)
    assert live_stacks(endpoint) == []


def test_a_create_left_in_progress_by_a_killed_deploy_is_waited_out_by_destroy(
    endpoint, make_app, control_dir, tmp_path
):
    app, env = make_app(), cli_env(endpoint)
    hold = control_dir / "faults-pr-612.hold"
    hold.touch()
    deploy = start_cli(
        deploy_args(app, endpoint, 612, tmp_path / "work"), tmp_path, env, tmp_path / "deploy.log"
    )
    eventually(
        (control_dir / "faults-pr-612.started").exists, timeout=120, description="the gate holding the create"
    )
    os.killpg(deploy.pid, signal.SIGKILL)  # the runner and the CDK CLI die; CloudFormation carries on
    deploy.wait(timeout=30)
    assert stack_status(endpoint, "faults-pr-612") == "CREATE_IN_PROGRESS"

    log = tmp_path / "destroy.log"
    destroy = start_cli(destroy_args(app, endpoint, 612), tmp_path, env, log)
    eventually(
        lambda: "waiting for it to settle" in log.read_text(),
        timeout=60,
        description="destroy waiting for the stack",
    )
    assert destroy.poll() is None
    hold.unlink()  # the held create finishes (as a cancelled CloudFormation operation eventually does)
    assert destroy.wait(timeout=120) == 0, log.read_text()
    assert "faults-pr-612: CREATE_IN_PROGRESS, waiting for it to settle before deleting" in log.read_text()
    assert "destroyed 1 stack(s), 0 leftovers" in log.read_text()
    assert live_stacks(endpoint) == []


def test_a_create_left_in_progress_by_a_killed_deploy_is_waited_out_by_the_next_deploy(
    endpoint, make_app, control_dir, tmp_path
):
    app, env, work = make_app(), cli_env(endpoint), tmp_path / "work"
    hold = control_dir / "faults-pr-613.hold"
    hold.touch()
    first = start_cli(deploy_args(app, endpoint, 613, work), tmp_path, env, tmp_path / "first.log")
    eventually(
        (control_dir / "faults-pr-613.started").exists, timeout=120, description="the gate holding the create"
    )
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)

    log = tmp_path / "second.log"
    second = start_cli(deploy_args(app, endpoint, 613, work), tmp_path, env, log)
    eventually(
        lambda: "to settle before deploying" in log.read_text(),
        timeout=60,
        description="the deploy waiting for the stack",
    )
    assert second.poll() is None
    hold.unlink()
    assert second.wait(timeout=120) == 0, log.read_text()
    assert "Waiting for faults-pr-613 (CREATE_IN_PROGRESS) to settle before deploying" in log.read_text()
    assert json.loads((work / "deployment.json").read_text())["stacks"][0]["status"].endswith("_COMPLETE")
    destroyed = cli(destroy_args(app, endpoint, 613), tmp_path, env)
    assert destroyed.returncode == 0, output_of(destroyed)
    assert live_stacks(endpoint) == []


def test_two_runs_for_the_same_pr_at_once_both_end_cleanly_and_leave_no_stack(endpoint, make_app, tmp_path):
    env = cli_env(endpoint)
    runs = {}
    for name in ("first", "second"):
        app = make_app(f"{name}/faults")
        runs[name] = start_cli(
            ["run", str(app), "--endpoint-url", endpoint.url, "--pr", "608", "--shards", "2"],
            app.parent,
            env,
            tmp_path / f"{name}.log",
        )
    codes = {name: process.wait(timeout=240) for name, process in runs.items()}
    logs = {name: (tmp_path / f"{name}.log").read_text() for name in runs}
    assert codes == {"first": 0, "second": 0}, logs
    for log in logs.values():
        assert "Traceback" not in log
        assert "shard 1/2: 2 test(s), passed" in log  # neither run's tests lost their stack mid-run
        assert "shard 2/2: 2 test(s), passed" in log
        assert re.search(r"^destroyed \d stack\(s\).*, 0 leftovers$", log, re.MULTILINE), log
    # Whichever deployed last destroys; the other leaves the stack to it instead of pulling it away.
    assert sum("destroyed 1 stack(s)" in log for log in logs.values()) >= 1
    assert live_stacks(endpoint) == []
