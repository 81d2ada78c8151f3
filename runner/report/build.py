"""Gather a Report: merged results, the deployment record, and the cost read from the stacks."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from runner.aws import AwsTarget
from runner.context import RunContext
from runner.errors import RunnerError
from runner.record import DeploymentRecord
from runner.report.cost import estimate_with_clients
from runner.report.junit import merge_results
from runner.report.model import Phase, Report, RunInfo
from runner.tags import parse_time

_PR_SUFFIX = re.compile(r"-pr-\d+.*$")


@dataclass(frozen=True)
class ReportInputs:
    results_dir: Path
    record: DeploymentRecord | None = None
    context: RunContext | None = None
    expected_shards: int | None = None
    stack_prefix: str | None = None
    estimate_cost: bool = True
    record_problem: str | None = None  # why there is no record, when it could not be read
    pr_number: int | None = None  # explicit choice; else the record's, else the context's


def build_report(
    inputs: ReportInputs,
    *,
    env: Mapping[str, str],
    now: datetime | None = None,
    client_factory: Callable[[str], Any] | None = None,
) -> Report:
    """Merge the results and price the run. `client_factory(service)` gives boto3 clients (default:
    from the record's region and endpoint). Cost trouble never fails the report: it says why."""
    generated_at = now or datetime.now(UTC)
    results = merge_results(inputs.results_dir, expected_shards=inputs.expected_shards)
    record = inputs.record
    run = _run_info(inputs, env)
    deploy = _deploy_phase(record)
    cost = None
    cost_error: str | None = None
    if record is None:
        cost_error = inputs.record_problem or "no deployment record"
    elif not inputs.estimate_cost:
        cost_error = "cost estimate turned off"
    else:
        cost, cost_error = _estimate(record, generated_at, client_factory)
    return Report(results, run, generated_at, deploy, cost, cost_error)


def _estimate(
    record: DeploymentRecord, now: datetime, client_factory: Callable[[str], Any] | None
) -> tuple[Any, str | None]:
    if client_factory is None:
        target = AwsTarget(region=record.region, endpoint_url=record.endpoint_url)
        session = target.session()

        def client_factory(service: str) -> Any:
            return target.client(service, session)

    fallback_start = _deploy_start(record) or now
    try:
        estimate = estimate_with_clients(
            client_factory, record.stack_names, fallback_start, local=record.endpoint_url is not None, now=now
        )
    except (ClientError, BotoCoreError, RunnerError) as error:
        return None, f"{type(error).__name__}: {error}"
    return estimate, None


def _deploy_start(record: DeploymentRecord) -> datetime | None:
    """`deployed_at` is when the deploy started (runner/deploy/deployer.py)."""
    try:
        return parse_time(record.deployed_at)
    except ValueError:
        try:
            started = datetime.fromisoformat(record.deployed_at)
        except ValueError:
            return None
    return started if started.tzinfo else started.replace(tzinfo=UTC)


def _deploy_phase(record: DeploymentRecord | None) -> Phase | None:
    if record is None:
        return None
    start = _deploy_start(record)
    return Phase("deploy", start, record.duration_seconds) if start else None


def _run_info(inputs: ReportInputs, env: Mapping[str, str]) -> RunInfo:
    record, context = inputs.record, inputs.context
    stack_names = record.stack_names if record else ()
    prefix = inputs.stack_prefix or (_PR_SUFFIX.sub("", stack_names[0]) if stack_names else "default")
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repository = (record.repository if record else None) or (context.repository if context else "") or ""
    # Links come from GitHub's own variables only, never from a git remote or a record.
    link_repository = env.get("GITHUB_REPOSITORY") or None
    run_id = env.get("GITHUB_RUN_ID")
    run_url = f"{server}/{link_repository}/actions/runs/{run_id}" if run_id and link_repository else None
    attempt = env.get("GITHUB_RUN_ATTEMPT")
    summary_url = f"{run_url}/attempts/{attempt}" if run_url and attempt else run_url
    pr_number = (
        inputs.pr_number or (record.pr_number if record else None) or (context.pr_number if context else None)
    )
    commit = (record.commit if record else "") or (context.commit if context else "") or "unknown"
    return RunInfo(
        stack_prefix=prefix,
        stack_names=stack_names,
        repository=repository,
        commit=commit,
        pr_number=pr_number,
        run_url=run_url,
        summary_url=summary_url,
        server_url=server,
        local=bool(record and record.endpoint_url),
        link_repository=link_repository,
    )
