"""Where a run comes from: repository, PR, commit and run id, from GitHub's environment or git."""

from __future__ import annotations

import getpass
import json
import re
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from runner.errors import ConfigError
from runner.naming import parse_pr_number

_REMOTE = re.compile(r"(?:[:/])([^/:]+/[^/]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class RunContext:
    repository: str
    pr_number: int | None
    commit: str
    run_id: str
    is_fork: bool = False

    @classmethod
    def detect(cls, env: Mapping[str, str], cwd: Path, pr_override: str | None = None) -> RunContext:
        """GitHub Actions variables first, then the local git checkout."""
        event = _read_event(env.get("GITHUB_EVENT_PATH"))
        pull_request = event.get("pull_request") if isinstance(event, dict) else None
        pr_number: int | None = None
        is_fork = False
        if pr_override:
            pr_number = parse_pr_number(pr_override, "--pr")
        elif isinstance(pull_request, dict) and "number" in pull_request:
            pr_number = parse_pr_number(pull_request["number"], "the event's pull_request.number")
            head_repo = _mapping(_mapping(pull_request.get("head")).get("repo"))
            base_repo = _mapping(_mapping(pull_request.get("base")).get("repo"))
            is_fork = bool(head_repo) and head_repo.get("full_name") != base_repo.get("full_name")
        elif isinstance(event, dict) and isinstance(event.get("inputs"), dict) and event["inputs"].get("pr"):
            pr_number = parse_pr_number(event["inputs"]["pr"], "the workflow_dispatch input `pr`")
        repository = env.get("GITHUB_REPOSITORY") or _git_repository(cwd) or _local_repository()
        commit = ""
        if isinstance(pull_request, dict):
            commit = str(_mapping(pull_request.get("head")).get("sha") or "")
        if not commit and env.get("GITHUB_EVENT_NAME") == "workflow_dispatch":
            # GITHUB_SHA is the dispatch branch's head; the job checked out the PR's merge commit.
            commit = _git(cwd, "rev-parse", "HEAD")
        commit = commit or env.get("GITHUB_SHA", "") or _git(cwd, "rev-parse", "HEAD") or "unknown"
        run_id = env.get("GITHUB_RUN_ID", "")
        if run_id:
            run_id = f"{run_id}-{env.get('GITHUB_RUN_ATTEMPT', '1')}"
        else:
            run_id = f"local-{uuid.uuid4().hex[:8]}"  # unique, so per-run resources never collide
        return cls(repository, pr_number, commit, run_id, is_fork)


def _mapping(value: object) -> dict[str, object]:
    """A JSON object from the event, or an empty one when the event has something else there."""
    return value if isinstance(value, dict) else {}


def _read_event(path: str | None) -> object:
    if not path:
        return {}
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as error:
        raise ConfigError(f"GITHUB_EVENT_PATH {path!r} is not a readable JSON file: {error}") from error


def _git(cwd: Path, *args: str) -> str:
    try:
        completed = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return completed.stdout.strip() if completed.returncode == 0 else ""


def _local_repository() -> str:
    """No Actions and no git remote: this machine's user owns its local runs. One name whatever the
    directory, so `deploy APP` and a later `destroy` from elsewhere agree on whose stacks they are."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        user = "unknown"
    return f"local/{re.sub(r'[^A-Za-z0-9_.-]', '-', user) or 'unknown'}"


def _git_repository(cwd: Path) -> str:
    match = _REMOTE.search(_git(cwd, "remote", "get-url", "origin"))
    return match.group(1) if match else ""
