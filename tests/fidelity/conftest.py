"""The fidelity corpus: small CDK apps written the way teams write them, each deployed through the
runner's CLI onto one embedded engine per test module, exercised through its real entry points and
destroyed with 0 leftovers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest

from runner.local import LocalEndpoint

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
    destroy_output: str | None = None

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "SPT_"))}
        env.update(self.endpoint.env())
        return env

    def _cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "runner", *args],
            cwd=self.work_dir.parent,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=DEPLOY_TIMEOUT_SECONDS,
            check=False,
        )

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
            self.outputs.update(stack["outputs"])

    def destroy(self) -> str:
        if self.destroy_output is None:
            completed = self._cli("destroy", "--work-dir", str(self.work_dir))
            self.destroy_output = completed.stdout + completed.stderr
        return self.destroy_output

    def client(self, service: str):  # type: ignore[no-untyped-def]
        return boto3.client(service, endpoint_url=self.endpoint.url, region_name=self.endpoint.region)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[LocalEndpoint]:
    running = LocalEndpoint.start()
    yield running
    running.stop()


def deployed(endpoint: LocalEndpoint, app_name: str, pr: int, tmp_path_factory: pytest.TempPathFactory) -> DeployedApp:
    """Copy the app out of the source tree (synth writes cdk.out), deploy it, return it deployed."""
    root = tmp_path_factory.mktemp(app_name)
    app_dir = root / app_name
    shutil.copytree(APPS / app_name, app_dir, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    app = DeployedApp(endpoint=endpoint, app_dir=app_dir, pr=pr, work_dir=root / "work")
    app.deploy()
    return app
