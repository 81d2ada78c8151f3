"""Runs a composite action's steps in order, the way the GitHub runner does, on this machine.

What it does like the runner: evaluates `${{ }}` expressions (inputs, env, github, runner, steps,
strategy-free contexts; `==`, `!=`, `&&`, `||`, `!`, parentheses, literals, success()/always()/
failure()/cancelled()) in `with:`, `env:`, `if:`, `working-directory:` and the outputs; evaluates
input defaults; runs each `run:` step with `bash --noprofile --norc -eo pipefail` in the workspace
(or its working-directory), with the job's env, the step's env and fresh GITHUB_OUTPUT, GITHUB_ENV,
GITHUB_PATH and GITHUB_STEP_SUMMARY files, and applies those files after the step (heredoc
syntax included); skips the rest after a failure unless `if:` says otherwise; honours
`::add-mask::` in the log it keeps.

What it does not do: `uses:` steps are only allowed for the tool set-up actions listed in
SETUP_ACTIONS (Python/Node set-up, caches, artifacts); they are skipped with a note, their outputs
empty. Any other `uses:`, shell or function is an error, so the test fails instead of pretending.

The expressions themselves are evaluated by gha_expressions.py; their public names are importable from
here too.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .gha_expressions import ExpressionError, as_text, condition, evaluate, interpolate, truthy

SETUP_ACTIONS = (
    "actions/setup-python",
    "actions/setup-node",
    "actions/cache",
    "actions/cache/restore",
    "actions/cache/save",
    "actions/upload-artifact",
    "actions/download-artifact",
)

__all__ = [
    "SETUP_ACTIONS",
    "ActionRun",
    "ExpressionError",
    "Job",
    "StepRecord",
    "UsesHandler",
    "as_text",
    "condition",
    "evaluate",
    "interpolate",
    "read_file_command",
    "run_action",
    "truthy",
]


def read_file_command(path: Path) -> dict[str, str]:
    """`name=value` lines and `name<<DELIMITER` heredocs, as in GITHUB_OUTPUT and GITHUB_ENV."""
    values: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip():
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body: list[str] = []
            while index < len(lines) and lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            if index >= len(lines):
                raise ValueError(f"{path}: heredoc {delimiter!r} for {name!r} is not closed")
            index += 1
            values[name] = "\n".join(body)
        else:
            name, _, value = line.partition("=")
            values[name] = value
    return values


# --- the job and the action ----------------------------------------------------------------------
@dataclass
class Job:
    """One job's state as the runner keeps it between steps (and between actions in the job)."""

    workspace: Path
    runner_temp: Path
    env: dict[str, str]
    github: dict[str, Any]
    path_entries: list[str] = field(default_factory=list)
    exported_env: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    masks: list[str] = field(default_factory=list)
    log: str = ""

    def base_env(self) -> dict[str, str]:
        env = dict(self.env)
        env.update(self.exported_env)
        env["PATH"] = os.pathsep.join([*reversed(self.path_entries), env.get("PATH", "")])
        return env

    def masked(self, text: str) -> str:
        for secret in self.masks:
            text = text.replace(secret, "***")
        return text


@dataclass
class StepRecord:
    name: str
    step_id: str
    outcome: str  # success, failure, skipped
    note: str = ""
    raw_output: str = ""


@dataclass
class ActionRun:
    outputs: dict[str, str]
    steps: list[StepRecord]

    @property
    def succeeded(self) -> bool:
        return all(step.outcome != "failure" for step in self.steps)

    def step(self, name: str) -> StepRecord:
        return next(step for step in self.steps if step.name == name)


def _add_masks(job: Job, output: str) -> None:
    for line in output.splitlines():
        if line.startswith("::add-mask::"):
            secret = line[len("::add-mask::") :]
            if secret:
                job.masks.append(secret)


UsesHandler = Callable[[str, dict[str, str], "Job"], str]


def run_action(
    action_dir: Path,
    with_inputs: dict[str, str],
    job: Job,
    timeout: float = 600,
    uses_handler: UsesHandler | None = None,
) -> ActionRun:
    definition = yaml.safe_load((action_dir / "action.yml").read_text(encoding="utf-8"))
    if definition["runs"]["using"] != "composite":
        raise ExpressionError("only composite actions are supported")
    github = {**job.github, "action_path": str(action_dir), "workspace": str(job.workspace)}
    contexts: dict[str, Any] = {
        "github": github,
        "runner": {"temp": str(job.runner_temp), "os": "Linux", "arch": "X64"},
        "env": job.base_env(),
        "steps": {},
    }
    inputs: dict[str, Any] = {}
    for name, spec in (definition.get("inputs") or {}).items():
        if name in with_inputs:
            inputs[name] = with_inputs[name]
        elif spec.get("required") and "default" not in spec:
            raise ExpressionError(f"required input {name!r} not given")
        else:
            inputs[name] = interpolate(spec.get("default", ""), contexts)
    unknown = set(with_inputs) - set(inputs)
    if unknown:
        raise ExpressionError(f"unexpected inputs {sorted(unknown)}")
    contexts["inputs"] = inputs
    status = {"failed": False}
    records: list[StepRecord] = []
    for index, step in enumerate(definition["runs"]["steps"]):
        name = step.get("name") or step.get("uses") or f"step {index + 1}"
        step_id = step.get("id", f"__{index}")
        contexts["env"] = job.base_env()
        if not condition(step.get("if"), contexts, status):
            contexts["steps"][step_id] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
            records.append(StepRecord(name, step_id, "skipped", "condition false"))
            continue
        if "uses" in step and uses_handler is not None and step["uses"].split("@", 1)[0] in SETUP_ACTIONS:
            arguments = {
                key: interpolate(value, contexts, status) for key, value in (step.get("with") or {}).items()
            }
            note = uses_handler(step["uses"].split("@", 1)[0], arguments, job)
            contexts["steps"][step_id] = {"outputs": {}, "outcome": "success", "conclusion": "success"}
            records.append(StepRecord(name, step_id, "success", note))
            continue
        if "uses" in step:
            uses = step["uses"].split("@", 1)[0]
            if uses not in SETUP_ACTIONS:
                raise ExpressionError(f"step {name!r} uses {uses}, which this interpreter cannot run")
            # Evaluate `with:` anyway, so a broken expression there still fails the test.
            arguments = {
                key: interpolate(value, contexts, status) for key, value in (step.get("with") or {}).items()
            }
            note = f"not executed here: tool set-up action {uses} with {arguments}"
            contexts["steps"][step_id] = {"outputs": {}, "outcome": "success", "conclusion": "success"}
            records.append(StepRecord(name, step_id, "success", note))
            continue
        record = _run_script(step, name, step_id, contexts, status, job, timeout)
        records.append(record)
        if record.outcome == "failure":
            status["failed"] = True
    contexts["env"] = job.base_env()
    outputs = {
        name: interpolate(spec.get("value", ""), contexts, status)
        for name, spec in (definition.get("outputs") or {}).items()
    }
    return ActionRun(outputs, records)


def _run_script(
    step: dict[str, Any],
    name: str,
    step_id: str,
    contexts: dict[str, Any],
    status: dict[str, bool],
    job: Job,
    timeout: float,
) -> StepRecord:
    if step.get("shell") != "bash":
        raise ExpressionError(f"step {name!r}: only `shell: bash` is supported, got {step.get('shell')!r}")
    files = Path(tempfile.mkdtemp(prefix="step-", dir=job.runner_temp))
    command_files = {
        "GITHUB_OUTPUT": files / "output",
        "GITHUB_ENV": files / "env",
        "GITHUB_PATH": files / "path",
        "GITHUB_STEP_SUMMARY": files / "summary",
    }
    for path in command_files.values():
        path.touch()
    env = job.base_env()
    env.update({key: str(path) for key, path in command_files.items()})
    if "action_path" in contexts["github"]:  # a composite action's step, not a workflow's
        env["GITHUB_ACTION_PATH"] = contexts["github"]["action_path"]
    env["RUNNER_TEMP"] = str(job.runner_temp)
    env["GITHUB_WORKSPACE"] = str(job.workspace)
    for key, value in (step.get("env") or {}).items():
        env[key] = interpolate(value, contexts, status)
    directory = step.get("working-directory")
    cwd = job.workspace / interpolate(directory, contexts, status) if directory else job.workspace
    script = files / f"{uuid.uuid4().hex}.sh"
    script.write_text(step["run"], encoding="utf-8")
    completed = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    _add_masks(job, completed.stdout)
    job.log += f"\n##[step] {name}\n" + job.masked(completed.stdout)
    outputs = read_file_command(command_files["GITHUB_OUTPUT"])
    job.exported_env.update(read_file_command(command_files["GITHUB_ENV"]))
    job.path_entries += [line for line in command_files["GITHUB_PATH"].read_text().splitlines() if line]
    job.summary += command_files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8")
    outcome = "success" if completed.returncode == 0 else "failure"
    contexts["steps"][step_id] = {"outputs": outputs, "outcome": outcome, "conclusion": outcome}
    return StepRecord(name, step_id, outcome, f"exit {completed.returncode}", completed.stdout)
