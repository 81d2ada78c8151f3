"""What `deploy` and `destroy` add for GitHub, kept out of the stage cores: the deployment of
environment `pr-<N>` (created before the CDK deploy, its status after; inactive at destroy), the
environment URL taken from the stack output the user names, and the deploy summary for the job
summary (stacks, outputs with URLs as links, time, and what is not emulated on a local endpoint)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

from runner import gha
from runner.context import RunContext
from runner.github.connection import GithubConnection
from runner.github.deployments import DeploymentTarget, DeploymentTracker, deactivate_environment
from runner.record import DeploymentRecord
from runner.report.escape import inline

_URL = re.compile(r"https?://[^\s<>\"'`|()\[\]]+")
TITLE = "serverless-pr-test deploy"


def _warn(message: str) -> None:
    gha.annotation("warning", message, title=TITLE)


def _run_url(env: Mapping[str, str]) -> str | None:
    server, repository, run_id = (
        env.get("GITHUB_SERVER_URL"),
        env.get("GITHUB_REPOSITORY"),
        env.get("GITHUB_RUN_ID"),
    )
    return f"{server}/{repository}/actions/runs/{run_id}" if server and repository and run_id else None


def deployment_tracker(
    context: RunContext, *, is_local: bool, env: Mapping[str, str] | None = None
) -> DeploymentTracker | None:
    """A tracker in GitHub Actions for a PR with a token, None otherwise (local runs, no PR)."""
    environment = os.environ if env is None else env
    connection = GithubConnection.from_env(environment)
    if is_local or not gha.in_actions(environment) or not connection.token or context.pr_number is None:
        return None
    gha.add_mask(connection.token)
    target = DeploymentTarget(context.repository, context.pr_number, context.commit, _run_url(environment))
    return DeploymentTracker(connection, target, _warn)


def environment_url(record: DeploymentRecord, output_name: str) -> str | None:
    """The named stack output (`Key` or `Stack.Key`) when it is an http(s) URL."""
    if not output_name:
        return None
    value = record.merged_outputs().get(output_name)
    return value if value is not None and _URL.fullmatch(value) else None


def publish_deploy_outputs(record: DeploymentRecord, output_name: str) -> str | None:
    """The `environment-url` output and the deploy summary (deploy and run); the URL, if any."""
    url = environment_url(record, output_name)
    if output_name and url is None:
        _warn(
            f"environment-url-output {output_name!r} is not a stack output holding a URL; no environment URL"
        )
    gha.set_output("environment-url", url or "")
    gha.append_summary(deploy_summary(record, url))
    return url


def deactivate(context: RunContext, *, is_local: bool) -> None:
    connection = GithubConnection.from_env(os.environ)
    if is_local or not gha.in_actions() or not connection.token or context.pr_number is None:
        return
    gha.add_mask(connection.token)
    print(deactivate_environment(connection, context.repository, context.pr_number), flush=True)


def deploy_summary(record: DeploymentRecord, url: str | None, not_emulated: Sequence[str] = ()) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY; outputs are stack data, so escaped, and links only for URLs."""
    lines = [f"## 🚀 Deployed {len(record.stacks)} stack(s) in {record.duration_seconds:.1f} s", ""]
    if url:
        lines += [f"Environment: [{inline(url)}]({url})", ""]
    lines += ["| stack | status |", "|---|---|"]
    lines += [f"| {inline(stack.name)} | {inline(stack.status)} |" for stack in record.stacks]
    outputs = record.merged_outputs()
    if outputs:
        lines += ["", "| output | value |", "|---|---|"]
        for key, value in sorted(outputs.items()):
            shown = f"[{inline(value)}]({value})" if _URL.fullmatch(value) else inline(value)
            lines.append(f"| {inline(key)} | {shown} |")
    if not_emulated:
        lines += ["", "Not emulated on the local endpoint:", ""]
        lines += [f"- {inline(item)}" for item in not_emulated]
    return "\n".join(lines) + "\n"
