"""Runs a caller workflow whose job `uses:` a reusable workflow, job by job, the way GitHub does,
on this machine (the composite action's steps through gha_interpreter.run_action).

Like GitHub: the called workflow's inputs (typed), secrets and workflow `env:`; jobs in `needs`
order with `if:` (status functions over the needs' results) and the `needs` context; a matrix
from `fromJSON`; job outputs; the called workflow's outputs; each job's GITHUB_TOKEN minted with
exactly that job's `permissions:`, which must stay within what the caller granted (else the run is
refused, as GitHub refuses it). Tool actions: checkout (the job's workspace already holds the code;
the ref asked for is recorded), configure-aws-credentials (exports the given credentials), and the
artifact, cache and set-up actions of gha_tools.py.
Anything else is an error, so a test fails instead of pretending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .gha_interpreter import (
    ExpressionError,
    Job,
    StepRecord,
    _run_script,
    as_text,
    condition,
    evaluate,
    interpolate,
    run_action,
)
from .gha_tools import Stores, ToolActions

LEVELS = {"none": 0, "read": 1, "write": 2}
_WHOLE = "${{"


@dataclass
class Services:
    make_job: Callable[[str], Job]  # a fresh runner with the code checked out in its workspace
    mint_job_token: Callable[[dict[str, str]], str]  # GITHUB_TOKEN with exactly these permissions
    action_paths: dict[str, Path]  # `owner/name` of an action -> the checkout to run it from
    aws_env: dict[str, str]  # what configure-aws-credentials exports


@dataclass
class WorkflowRun:
    results: dict[str, str] = field(default_factory=dict)  # job (matrix legs as `job (n)`) -> result
    outputs: dict[str, str] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    permissions: dict[str, dict[str, str]] = field(default_factory=dict)
    checkout_refs: dict[str, str] = field(default_factory=dict)


def _typed(value: Any, kind: str) -> Any:
    if kind == "number":
        number = float(as_text(value))
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        return as_text(value).lower() == "true"
    return as_text(value)


def _evaluated(value: Any, contexts: dict[str, Any]) -> Any:
    """A `with:` value keeps its type when it is one whole expression (numbers, booleans)."""
    text = as_text(value).strip()
    if text.startswith(_WHOLE) and text.endswith("}}") and text.count(_WHOLE) == 1:
        return evaluate(text[3:-2], contexts)
    return interpolate(value, contexts) if isinstance(value, str) else value


def _within(asked: dict[str, str], granted: dict[str, str]) -> list[str]:
    return [
        f"{name}: {level} (caller granted {granted.get(name, 'none')})"
        for name, level in asked.items()
        if LEVELS[level] > LEVELS[granted.get(name, "none")]
    ]


class WorkflowRunner:
    def __init__(
        self, repo_root: Path, services: Services, stores: Stores, default_branch: str = "main"
    ) -> None:
        self.repo_root = repo_root
        self.services = services
        self.stores = stores
        self.tools = ToolActions(stores, f"refs/heads/{default_branch}")
        self.default_ref = f"refs/heads/{default_branch}"

    def run(
        self,
        caller_file: Path,
        event_name: str,
        event: dict[str, Any],
        ref: str,
        secrets: dict[str, str],
        run_id: str,
    ) -> WorkflowRun:
        caller = yaml.safe_load(caller_file.read_text(encoding="utf-8"))
        if event_name not in caller[True]:
            raise ExpressionError(f"{caller_file.name} is not triggered by {event_name}")
        github = {"event_name": event_name, "event": event, "ref": ref, "run_id": run_id, "run_attempt": "1",
                  "repository": event.get("repository", {}).get("full_name", "")}  # fmt: skip
        dispatch_inputs = event.get("inputs", {}) if event_name == "workflow_dispatch" else {}
        caller_contexts = {"github": github, "inputs": dispatch_inputs, "secrets": secrets, "env": {}}
        [(caller_job_name, caller_job)] = caller["jobs"].items()
        granted = caller_job.get("permissions", caller.get("permissions") or {})
        called = yaml.safe_load(
            (self.repo_root / caller_job["uses"].removeprefix("./")).read_text(encoding="utf-8")
        )
        contract = called[True]["workflow_call"]
        given = {
            key: _evaluated(value, caller_contexts) for key, value in (caller_job.get("with") or {}).items()
        }
        inputs = {
            name: _typed(given.get(name, spec.get("default", "")), spec.get("type", "string"))
            for name, spec in (contract.get("inputs") or {}).items()
        }
        called_secrets = {
            name: interpolate(value, caller_contexts)
            for name, value in (caller_job.get("secrets") or {}).items()
        }
        contexts: dict[str, Any] = {"github": github, "inputs": inputs, "secrets": called_secrets, "env": {}}
        workflow_env = {key: interpolate(value, contexts) for key, value in (called.get("env") or {}).items()}
        run = WorkflowRun()
        needs_context: dict[str, Any] = {}
        for name, spec in called["jobs"].items():
            needs = [spec["needs"]] if isinstance(spec.get("needs"), str) else list(spec.get("needs") or [])
            job_contexts = {**contexts, "env": workflow_env, "needs": {n: needs_context[n] for n in needs}}
            failed = any(needs_context[n]["result"] != "success" for n in needs)
            if not condition(spec.get("if"), job_contexts, {"failed": failed}):
                run.results[name] = "skipped"
                needs_context[name] = {"result": "skipped", "outputs": {}}
                continue
            asked = spec.get("permissions") or {}
            refused = _within(asked, granted)
            if refused:
                raise ExpressionError(f"job {name} asks for more than {caller_job_name} grants: {refused}")
            run.permissions[name] = dict(asked)
            needs_context[name] = self._job(name, spec, job_contexts, workflow_env, run)
        jobs_context = needs_context
        run.outputs = {
            key: interpolate(spec["value"], {**contexts, "jobs": jobs_context})
            for key, spec in (contract.get("outputs") or {}).items()
        }
        return run

    def _legs(self, spec: dict[str, Any], contexts: dict[str, Any]) -> list[dict[str, Any]]:
        matrix = (spec.get("strategy") or {}).get("matrix")
        if not matrix:
            return [{}]
        [(key, values)] = matrix.items()
        listed = _evaluated(values, contexts) if isinstance(values, str) else values
        return [{key: value} for value in listed]

    def _job(
        self,
        name: str,
        spec: dict[str, Any],
        contexts: dict[str, Any],
        workflow_env: dict[str, str],
        run: WorkflowRun,
    ) -> dict[str, Any]:
        legs = self._legs(spec, contexts)
        result, outputs = "success", {}
        for index, matrix in enumerate(legs):
            label = f"{name} ({matrix[next(iter(matrix))]})" if matrix else name
            job = self.services.make_job(label)
            token = self.services.mint_job_token(run.permissions[name])
            github = {**contexts["github"], "token": token, "workspace": str(job.workspace)}
            job.github = github
            job.env.update(workflow_env)
            leg = {**contexts, "github": github, "matrix": matrix, "steps": {},
                   "strategy": {"job-total": len(legs), "job-index": index},
                   "runner": {"temp": str(job.runner_temp), "os": "Linux", "arch": "X64"}}  # fmt: skip
            leg_env = {**workflow_env, **{k: interpolate(v, leg) for k, v in (spec.get("env") or {}).items()}}
            job.env.update(leg_env)
            pending_saves: list[tuple[str, str]] = []
            status = {"failed": False}
            for index_step, step in enumerate(spec["steps"]):
                step_id = step.get("id", f"__{index_step}")
                leg["env"] = job.base_env()
                if not condition(step.get("if"), leg, status):
                    leg["steps"][step_id] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
                    continue
                record = self._step(step, step_id, leg, status, job, label, run, pending_saves)
                if record.outcome == "failure":
                    status["failed"] = True
            for key, _path in pending_saves:  # actions/cache's post step: save on a miss
                self.stores.caches.setdefault((contexts["github"]["ref"], key), None)
            leg["env"] = job.base_env()
            outputs = {key: interpolate(value, leg) for key, value in (spec.get("outputs") or {}).items()}
            run.jobs[label] = job
            run.results[label] = "failure" if status["failed"] else "success"
            if status["failed"]:
                result = "failure"
        return {"result": result, "outputs": outputs}

    def _step(
        self,
        step: dict[str, Any],
        step_id: str,
        leg: dict[str, Any],
        status: dict[str, bool],
        job: Job,
        label: str,
        run: WorkflowRun,
        pending_saves: list[tuple[str, str]],
    ) -> StepRecord:
        name = step.get("name") or step.get("uses") or step_id
        if "run" in step:
            return _run_script({"shell": "bash", **step}, name, step_id, leg, status, job, 900)
        action, _, _ = step["uses"].partition("@")
        arguments = {key: as_text(_evaluated(value, leg)) for key, value in (step.get("with") or {}).items()}
        if action in self.services.action_paths:
            handler = lambda uses, args, current: self.tools.run(uses, args, current, leg, pending_saves)  # noqa: E731
            done = run_action(self.services.action_paths[action], arguments, job, uses_handler=handler)
            outcome = "success" if done.succeeded else "failure"
            leg["steps"][step_id] = {"outputs": done.outputs, "outcome": outcome, "conclusion": outcome}
            return StepRecord(name, step_id, outcome)
        if action == "actions/checkout":
            run.checkout_refs[label] = arguments.get("ref", "")
        elif action == "aws-actions/configure-aws-credentials":
            job.exported_env.update(self.services.aws_env)
        else:
            self.tools.run(action, arguments, job, leg, pending_saves)
        leg["steps"][step_id] = {"outputs": {}, "outcome": "success", "conclusion": "success"}
        return StepRecord(name, step_id, "success")
