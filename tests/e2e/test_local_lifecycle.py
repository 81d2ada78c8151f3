"""The CLI end to end: real CDK CLI, real pytest subprocesses, a local endpoint over HTTP."""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from runner.polling import eventually
from tests.support.cli import run_cli, runner_env
from tests.support.engine import endpoint_fixture

pytestmark = pytest.mark.e2e
FIXTURE_APP = Path(__file__).parent.parent / "fixtures" / "cdk_apps" / "orders"


endpoint = endpoint_fixture("module")


@pytest.fixture
def app_copy(tmp_path):
    target = tmp_path / "orders"
    shutil.copytree(FIXTURE_APP, target, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    return target


def cli_env(endpoint, **extra):
    # One repository for every command, as a checkout's git remote or Actions gives it: without one,
    # deploy (app directory) and a record-based destroy (working directory) would name different ones.
    return runner_env(endpoint, "acme/orders", **extra)


def cli(args, cwd, env, timeout=300):
    return run_cli(args, cwd, env, timeout)


def live_stacks(endpoint, prefix):
    client = boto3.client("cloudformation", endpoint_url=endpoint.url, region_name=endpoint.region)
    return [
        summary["StackName"]
        for summary in client.list_stacks()["StackSummaries"]
        if summary["StackStatus"] != "DELETE_COMPLETE" and summary["StackName"].startswith(prefix)
    ]


def test_deploy_update_and_destroy_through_the_cdk_cli(endpoint, app_copy, tmp_path):
    env = cli_env(endpoint)
    args = ["--endpoint-url", endpoint.url, "--pr", "101", "--work-dir", str(tmp_path / "work")]
    first = cli(["deploy", str(app_copy), *args], tmp_path, env)
    assert first.returncode == 0, first.stdout + first.stderr
    record = json.loads((tmp_path / "work" / "deployment.json").read_text())
    assert [stack["name"] for stack in record["stacks"]] == ["orders-pr-101"]
    outputs = record["stacks"][0]["outputs"]
    assert set(outputs) == {"QueueUrl", "BucketName", "FunctionName"}
    lambda_client = boto3.client("lambda", endpoint_url=endpoint.url, region_name=endpoint.region)
    first_sha = lambda_client.get_function(FunctionName=outputs["FunctionName"])["Configuration"][
        "CodeSha256"
    ]

    (app_copy / "handler" / "index.py").write_text(
        'VERSION = "2"\n\n\ndef handler(event, context):\n    return 2\n'
    )
    second = cli(["deploy", str(app_copy), *args], tmp_path, env)
    assert second.returncode == 0, second.stdout + second.stderr
    stack = json.loads((tmp_path / "work" / "deployment.json").read_text())["stacks"][0]
    assert stack["status"] == "UPDATE_COMPLETE"
    function_name = stack["outputs"]["FunctionName"]
    assert lambda_client.get_function(FunctionName=function_name)["Configuration"]["CodeSha256"] != first_sha

    destroyed = cli(["destroy", "--work-dir", str(tmp_path / "work")], tmp_path, env)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert "destroyed 1 stack(s), 0 leftovers" in destroyed.stdout
    assert live_stacks(endpoint, "orders-pr-101") == []
    again = cli(["destroy", "--work-dir", str(tmp_path / "work")], tmp_path, env)
    assert again.returncode == 0
    assert "already deleted" in again.stdout


def test_run_deploys_tests_in_parallel_shards_and_destroys(endpoint, app_copy, tmp_path):
    completed = cli(
        ["run", str(app_copy), "--endpoint-url", endpoint.url, "--pr", "102", "--shards", "2"],
        tmp_path,
        cli_env(endpoint),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert re.search(r"^shard 1/2: \d test\(s\), passed", completed.stdout, re.MULTILINE)
    assert re.search(r"^shard 2/2: \d test\(s\), passed", completed.stdout, re.MULTILINE)
    planned = sum(
        len(json.loads(path.read_text())["nodeids"])
        for path in (tmp_path / ".serverless-pr-test" / "results").glob("shard-*.plan.json")
    )
    assert planned == 3
    assert "destroyed 1 stack(s), 0 leftovers" in completed.stdout
    assert "Total wall time" in completed.stdout
    assert live_stacks(endpoint, "orders-pr-102") == []


def test_sigterm_during_run_still_destroys_every_stack(endpoint, app_copy, tmp_path):
    marker = tmp_path / "tests-running"
    env = cli_env(endpoint, ORDERS_BLOCK_MARKER=str(marker))
    process = subprocess.Popen(
        [sys.executable, "-m", "runner", "run", str(app_copy), "--endpoint-url", endpoint.url, "--pr", "103"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # A run that ends before its tests start ends the wait too: the assertion below then says so.
    eventually(
        lambda: marker.exists() or process.poll() is not None, timeout=240, description="the tests starting"
    )
    assert marker.exists(), "the tests never started"
    assert live_stacks(endpoint, "orders-pr-103") == ["orders-pr-103"]
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=240)
    assert process.returncode == 143, output
    assert "destroyed 1 stack(s), 0 leftovers" in output
    assert live_stacks(endpoint, "orders-pr-103") == []


def test_failed_deploy_rolls_back_and_destroy_removes_it(endpoint, app_copy, tmp_path):
    cdk_json = json.loads((app_copy / "cdk.json").read_text())
    cdk_json["context"] = {"fail-on-create": "true"}
    (app_copy / "cdk.json").write_text(json.dumps(cdk_json))
    env = cli_env(endpoint)
    work = ["--work-dir", str(tmp_path / "work")]
    failed = cli(
        ["deploy", str(app_copy), "--endpoint-url", endpoint.url, "--pr", "104", *work], tmp_path, env
    )
    assert failed.returncode == 4, failed.stdout + failed.stderr
    assert "Error: deploy failed: orders-pr-104: ROLLBACK_COMPLETE" in failed.stderr
    assert "Traceback" not in failed.stderr
    destroyed = cli(["destroy", str(app_copy), "--endpoint-url", endpoint.url, "--pr", "104"], tmp_path, env)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert live_stacks(endpoint, "orders-pr-104") == []


def test_bad_input_gets_one_clear_line_and_deploys_nothing(endpoint, app_copy, tmp_path):
    env = cli_env(endpoint)
    url = ["--endpoint-url", endpoint.url]
    cases = []
    cases.append((cli(["deploy", str(tmp_path), *url, "--pr", "5"], tmp_path, env), 2, "has no cdk.json"))
    cases.append(
        (cli(["deploy", str(app_copy), *url, "--pr", "abc"], tmp_path, env), 2, "--pr must be a whole number")
    )
    cases.append(
        (cli(["destroy", "--work-dir", str(tmp_path / "none"), *url], tmp_path, env), 2, "does not exist")
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        no_endpoint = {key: value for key, value in env.items() if key != "AWS_ENDPOINT_URL"}
        cases.append(
            (cli(["run", str(app_copy), "--local", "--port", port], tmp_path, no_endpoint), 2, "in use")
        )
    (app_copy / "app.py").write_text("raise SystemExit('the app is broken: missing TABLE setting')\n")
    cases.append(
        (cli(["deploy", str(app_copy), *url, "--pr", "6"], tmp_path, env), 3, "missing TABLE setting")
    )
    for completed, code, message in cases:
        assert completed.returncode == code, completed.stdout + completed.stderr
        assert completed.stderr.count("Error: ") == 1, completed.stderr
        assert message in completed.stderr, completed.stderr
        assert "Traceback" not in completed.stderr
    assert live_stacks(endpoint, "orders-pr-") == []


def test_one_stack_name_deploys_destroys_and_deploys_twice_more_on_one_long_running_engine(
    endpoint, app_copy, tmp_path
):
    """Regression: the previous engine answered DescribeChangeSet by stack name with the deleted
    stack's change set, and the CDK CLI polled it forever on the second deploy after a destroy."""
    env = cli_env(endpoint)
    args = ["--endpoint-url", endpoint.url, "--pr", "105", "--work-dir", str(tmp_path / "work")]
    steps = (
        ["deploy", str(app_copy), *args],
        ["destroy", str(app_copy), *args],
        ["deploy", str(app_copy), *args],
    )
    for step in (*steps, ["deploy", str(app_copy), *args]):
        completed = cli(step, tmp_path, env, timeout=240)  # a hang fails here, it never blocks the suite
        assert completed.returncode == 0, f"{step[0]}: " + completed.stdout[-2000:] + completed.stderr[-2000:]
    assert live_stacks(endpoint, "orders-pr-105") == ["orders-pr-105"]
    # Without the app directory the prefix is the working directory's name: no stack has it, and
    # destroy says what this PR still has instead of "nothing is still deployed".
    misdirected = cli(["destroy", *args], tmp_path, env)
    assert misdirected.returncode == 5, misdirected.stdout + misdirected.stderr
    assert "still has: orders-pr-105" in misdirected.stderr
    final = cli(["destroy", str(app_copy), *args], tmp_path, env)
    assert final.returncode == 0, final.stdout + final.stderr
    assert live_stacks(endpoint, "orders-pr-105") == []
