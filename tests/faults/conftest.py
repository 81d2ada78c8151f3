"""The fault suite's shared parts: one local endpoint per session, one real synth of the fault app,
the CLI as a subprocess, and the check every case ends with (no stack left on the endpoint).

Every deploy goes through `serverless-pr-test deploy`/`run` and the CDK CLI as a user runs them. The
app is synthesized for real once per session (a synth costs 6-12 s); each case's copy of the app
replays that assembly under its own stack name (tests/faults/app/replay.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from runner.deploy.cdk import cli_environment, find_cdk_executable
from runner.local import LocalEndpoint
from tests.support.cli import run_cli, runner_env
from tests.support.engine import endpoint_fixture

collect_ignore = ["app"]  # the fault app's own tests run inside the cases, not in this session

APP_SOURCE = Path(__file__).parent / "app"
REPOSITORY = "acme/faults"


endpoint = endpoint_fixture("session")


@pytest.fixture(scope="session")
def control_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where cases drop `<stack>.fail` / `<stack>.hold` for the gate custom resource."""
    return tmp_path_factory.mktemp("control")


@pytest.fixture(scope="session")
def assembly(tmp_path_factory: pytest.TempPathFactory, control_dir: Path) -> Path:
    """The fault app synthesized once, for real, with the CDK CLI."""
    out_dir = tmp_path_factory.mktemp("assembly") / "cdk.out"
    command = [
        str(find_cdk_executable(APP_SOURCE)), "synth", "--app", f"{sys.executable} app.py",
        "--quiet", "--no-notices", "--output", str(out_dir),
        "--context", "serverless-pr-test:stack-name=faults-synth",
        "--context", f"fault-control-dir={control_dir}",
    ]  # fmt: skip
    completed = subprocess.run(
        command,
        cwd=APP_SOURCE,
        env=cli_environment(os.environ, {}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return out_dir


def copy_app(destination: Path, assembly: Path) -> Path:
    """A copy of the fault app whose synth replays the session's assembly."""
    shutil.copytree(APP_SOURCE, destination, ignore=shutil.ignore_patterns("__pycache__", "cdk.out"))
    cdk_json = {"app": f"{sys.executable} replay.py", "context": {"fault-assembly": str(assembly)}}
    (destination / "cdk.json").write_text(json.dumps(cdk_json), encoding="utf-8")
    return destination


@pytest.fixture
def make_app(tmp_path: Path, assembly: Path):
    return lambda name="faults": copy_app(tmp_path / name, assembly)


def cli_env(endpoint: LocalEndpoint, **extra: str) -> dict[str, str]:
    return runner_env(endpoint, REPOSITORY, **extra)


def cli(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return run_cli(args, cwd, env, timeout)


def start_cli(args: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """The CLI in its own process group (so a SIGKILL reaches the CDK CLI it runs), output to `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "runner", *args],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


BOOTSTRAP_STACK = "CDKToolkit"  # the endpoint's one-time `cdk bootstrap`, shared by every run


def live_stacks(endpoint: LocalEndpoint, prefix: str = "") -> list[str]:
    """Every stack on the endpoint that is not DELETE_COMPLETE, except the bootstrap stack."""
    client = boto3.client("cloudformation", endpoint_url=endpoint.url, region_name=endpoint.region)
    names: list[str] = []
    for page in client.get_paginator("list_stacks").paginate():
        names += [
            summary["StackName"]
            for summary in page["StackSummaries"]
            if summary["StackStatus"] != "DELETE_COMPLETE"
            and summary["StackName"].startswith(prefix)
            and summary["StackName"] != BOOTSTRAP_STACK
        ]
    return sorted(names)


def stack_status(endpoint: LocalEndpoint, name: str) -> str | None:
    client = boto3.client("cloudformation", endpoint_url=endpoint.url, region_name=endpoint.region)
    try:
        return str(client.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])
    except client.exceptions.ClientError:
        return None


def output_of(completed: subprocess.CompletedProcess[str]) -> str:
    return f"exit {completed.returncode}\n--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
