"""The runner's CLI as a real subprocess, in an environment that reaches only the local engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from runner.local import LocalEndpoint

# What a test's own environment may carry that would steer the CLI elsewhere (the developer's
# GitHub token and repository, a CI run's runner settings).
FOREIGN_PREFIXES = ("GITHUB_", "SPT_")


def runner_env(
    endpoint: LocalEndpoint, repository: str | None, drop: tuple[str, ...] = FOREIGN_PREFIXES, **extra: str
) -> dict[str, str]:
    """This process's environment without the `drop` prefixes, pointed at the endpoint; with a
    `repository`, for that one (as a checkout's git remote or Actions names it: deploy and a later
    destroy agree on it)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(drop)}
    env.update(endpoint.env())
    if repository is not None:
        env["GITHUB_REPOSITORY"] = repository
    env.update(extra)
    return env


def run_cli(
    args: list[str],
    cwd: Path | None,
    env: dict[str, str] | None,
    timeout: float = 300,
    merged: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`python -m runner ARGS` (env None: this process's); `merged`: stderr into stdout, in order,
    as the Actions log sees them."""
    return subprocess.run(
        [sys.executable, "-m", "runner", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merged else subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
    )
