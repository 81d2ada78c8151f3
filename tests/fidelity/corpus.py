"""The fidelity corpus harness: small CDK apps written the way teams write them (tests/fidelity/apps),
each deployed through the runner's CLI onto one embedded engine per test module, exercised through
its real entry points and destroyed with 0 leftovers."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from runner.aws import AwsTarget
from runner.local import LocalEndpoint
from tests.support.cli import run_cli, runner_env

from .engine_pair import worker_processes

APPS = Path(__file__).parent / "apps"
DEPLOY_TIMEOUT_SECONDS = 600


@dataclass
class DeployedApp:
    """One corpus app deployed for a PR number on an engine; `destroy()` reports what it printed."""

    endpoint: LocalEndpoint
    app_dir: Path
    pr: int
    work_dir: Path
    outputs: dict[str, str] = field(default_factory=dict)
    stack_names: list[str] = field(default_factory=list)
    destroy_output: str | None = None
    deployed_at: float = 0.0

    def env(self) -> dict[str, str]:
        return runner_env(self.endpoint, None)

    def _cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(list(args), self.work_dir.parent, self.env(), DEPLOY_TIMEOUT_SECONDS)

    def deploy(self) -> None:
        completed = self._cli(
            "deploy",
            str(self.app_dir),
            "--endpoint-url",
            self.endpoint.url,
            "--pr",
            str(self.pr),
            "--work-dir",
            str(self.work_dir),
        )
        assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
        record = json.loads((self.work_dir / "deployment.json").read_text())
        for stack in record["stacks"]:
            self.stack_names.append(stack["name"])
            self.outputs.update(stack["outputs"])
        self.deployed_at = time.monotonic()

    def destroy(self) -> str:
        if self.destroy_output is None:
            completed = self._cli("destroy", "--work-dir", str(self.work_dir))
            self.destroy_output = completed.stdout + completed.stderr
        return self.destroy_output

    def client(self, service: str) -> Any:
        return AwsTarget(region=self.endpoint.region, endpoint_url=self.endpoint.url).client(service)


def deployed(
    endpoint: LocalEndpoint, app_name: str, pr: int, tmp_path_factory: pytest.TempPathFactory
) -> DeployedApp:
    """Copy the app out of the source tree (synth writes cdk.out), deploy it, return it deployed."""
    root = tmp_path_factory.mktemp(app_name)
    app_dir = root / app_name
    shutil.copytree(APPS / app_name, app_dir, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    app = DeployedApp(endpoint=endpoint, app_dir=app_dir, pr=pr, work_dir=root / "work")
    try:
        app.deploy()
        yield app
    finally:
        app.destroy()


def http(method: str, url: str, body: object | None = None) -> tuple[int, Any]:
    """A plain HTTP call to a local URL output: status and decoded JSON body."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def assert_destroyed_without_leftovers(app: DeployedApp) -> None:
    output = app.destroy()
    assert f"destroyed {len(app.stack_names)} stack(s), 0 leftovers" in output, output[-3000:]
    for stack_name in app.stack_names:
        assert worker_processes(app.endpoint, stack_name) == [], f"Lambda workers outlived {stack_name}"
