"""`deploy` for a pull request from a fork: a notice, exit 0, empty outputs, nothing synthesized."""

from __future__ import annotations

import json
import os
import shutil

from tests.support.cli import run_cli

from .conftest import ORDERS_APP


def fork_event(tmp_path, fork=True):
    head = {"full_name": "someone/shop" if fork else "acme/shop"}
    event = {
        "pull_request": {
            "number": 9,
            "head": {"sha": "a" * 40, "repo": head},
            "base": {"repo": {"full_name": "acme/shop"}},
        }
    }
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    return path


def deploy(tmp_path, event, app_name="orders"):
    app = tmp_path / app_name
    if app_name == "orders":
        shutil.copytree(ORDERS_APP, app, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    output = tmp_path / "github_output"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "AWS_", "SPT_"))}
    env.update(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_OUTPUT": str(output),
            # No credentials: any AWS call would fail the command.
            "AWS_REGION": "us-east-1",
        }
    )
    completed = run_cli(
        ["deploy", str(app), "--work-dir", str(tmp_path / "work")], tmp_path, env, timeout=120
    )
    return completed, output.read_text() if output.exists() else ""


def test_deploy_of_a_fork_pr_is_skipped_with_a_notice(tmp_path):
    completed, outputs = deploy(tmp_path, fork_event(tmp_path))
    assert completed.returncode == 0, completed.stderr
    assert (
        "::notice title=serverless-pr-test deploy::pull request from a fork: deploy skipped"
        in completed.stdout
    )
    assert "stack-names<<" in outputs
    assert not (tmp_path / "work").exists()  # not even synthesized


def test_deploy_of_a_same_repository_pr_is_not_skipped(tmp_path):
    """It goes on to check its input (a missing app directory here), which a skipped deploy never does."""
    completed, _ = deploy(tmp_path, fork_event(tmp_path, fork=False), app_name="missing")
    assert completed.returncode == 2
    assert "app directory" in completed.stderr
    assert "deploy skipped" not in completed.stdout


def test_a_dependabot_pr_without_aws_credentials_is_skipped_like_a_fork(tmp_path):
    event = fork_event(tmp_path, fork=False)
    payload = json.loads(event.read_text())
    payload["pull_request"]["user"] = {"login": "dependabot[bot]"}
    event.write_text(json.dumps(payload))
    completed, outputs = deploy(tmp_path, event)
    assert completed.returncode == 0, completed.stderr
    assert "pull request from Dependabot without AWS credentials: deploy skipped" in completed.stdout
    assert "stack-names<<" in outputs
