"""The composite action's inputs (INPUT_* variables its step maps explicitly) -> a runner command line.

action.yml never expands an input inside a shell script: each one arrives here as data, is checked
(every problem named in one ConfigError), and becomes argv for `runner.cli.main.main`
(`python -m runner.cli.action`, the action's run step, does that).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from runner.context import RunContext
from runner.deploy.parameters import ParameterInputs, from_lines
from runner.errors import ConfigError
from runner.limits import shard_count

_TRUE = {"true", "yes", "1", "on"}
COMMENT_MODES = ("always", "changes", "failures", "off")
_FALSE = {"false", "no", "0", "off", ""}


class ActionCommand(Enum):
    """What the action's `command` input may select."""

    DEPLOY = "deploy"
    TEST = "test"
    REPORT = "report"
    DESTROY = "destroy"
    JANITOR = "janitor"
    RUN = "run"


def env_name(input_name: str) -> str:
    """`app-directory` -> `INPUT_APP_DIRECTORY`, the name @actions/core gives JavaScript actions."""
    return "INPUT_" + input_name.replace("-", "_").upper()


@dataclass(frozen=True)
class ActionInputs:
    command: ActionCommand
    app_directory: Path
    stack_prefix: str
    pr: str
    shard: int
    total_shards: int
    tests: str
    pytest_args: tuple[str, ...]
    results_directory: Path
    work_directory: Path
    durations: bool
    aws_region: str
    endpoint_url: str
    local: bool
    comment_mode: str
    check_run: bool
    environment_url_output: str
    pr_for_commit: str
    ttl_hours: str
    parameters: tuple[str, ...]  # one KEY=VALUE or STACK:KEY=VALUE per line of the input
    keep_stack: bool
    dry_run: bool
    event_pr: str = ""  # the PR of the triggering event, for `destroy` without a record

    @classmethod
    def from_env(cls, env: Mapping[str, str], cwd: Path) -> ActionInputs:
        """Read every input; relative paths are anchored at `cwd` (the workspace). Raises one
        ConfigError naming every bad input."""
        problems: list[str] = []

        def text(name: str, default: str = "") -> str:
            return env.get(env_name(name), default).strip()

        def flag(name: str, default: bool) -> bool:
            raw = text(name, "true" if default else "false").lower()
            if raw in _TRUE:
                return True
            if raw in _FALSE:
                return False
            problems.append(f"input `{name}` must be true or false, got {raw!r}")
            return default

        def whole(name: str, default: int) -> int:
            try:  # ASCII digits within GitHub's matrix limit
                return shard_count(text(name, str(default)) or str(default), f"input `{name}`")
            except ConfigError as error:
                problems.append(str(error))
                return default

        raw_command = text("command")
        try:
            command = ActionCommand(raw_command)
        except ValueError:
            choices = ", ".join(item.value for item in ActionCommand)
            problems.append(f"input `command` must be one of {choices}, got {raw_command!r}")
            command = ActionCommand.DEPLOY
        shard, total = whole("shard", 1), whole("total-shards", 1)
        if shard > total:
            problems.append(f"input `shard` ({shard}) is larger than `total-shards` ({total})")
        try:
            pytest_args = tuple(shlex.split(text("pytest-args")))
        except ValueError as error:
            problems.append(f"input `pytest-args` cannot be split into words: {error}")
            pytest_args = ()
        comment_mode = (text("comment-mode", "always") or "always").lower()
        if comment_mode not in COMMENT_MODES:
            problems.append(
                f"input `comment-mode` must be one of {', '.join(COMMENT_MODES)}, got {comment_mode!r}"
            )
        ttl = text("ttl-hours", "24") or "24"
        try:
            if float(ttl) <= 0:
                raise ValueError(ttl)
        except ValueError:
            problems.append(f"input `ttl-hours` must be a positive number of hours, got {ttl!r}")
        parameter_lines = from_lines(env.get(env_name("parameters"), ""), "parameters")
        try:
            ParameterInputs.parse(parameter_lines)
        except ConfigError as error:
            problems.append(str(error))
        inputs = cls(
            command=command,
            app_directory=cwd / (text("app-directory", ".") or "."),
            stack_prefix=text("stack-prefix"),
            pr=text("pr"),
            shard=shard,
            total_shards=total,
            tests=text("tests", "tests") or "tests",
            pytest_args=pytest_args,
            results_directory=cwd / (text("results-directory", "results") or "results"),
            work_directory=cwd / (text("work-directory", ".serverless-pr-test") or ".serverless-pr-test"),
            durations=flag("durations", True),
            aws_region=text("aws-region"),
            endpoint_url=text("endpoint-url"),
            local=flag("local", False),
            comment_mode=comment_mode,
            check_run=flag("check-run", True),
            environment_url_output=text("environment-url-output"),
            pr_for_commit=text("pr-for-commit"),
            ttl_hours=ttl,
            parameters=tuple(line for _, line in parameter_lines),
            keep_stack=flag("keep-stack", False),
            dry_run=flag("dry-run", False),
            event_pr=_event_pr(env, cwd) if command is ActionCommand.DESTROY else "",
        )
        if problems:
            raise ConfigError("invalid action inputs: " + "; ".join(problems))
        return inputs

    @property
    def durations_file(self) -> Path:
        return self.work_directory / "durations.json"

    @property
    def record_file(self) -> Path:
        return self.work_directory / "deployment.json"

    def _naming(self) -> list[str]:
        args = ["--stack-prefix", self.stack_prefix] if self.stack_prefix else []
        return args + (["--pr", self.pr] if self.pr else [])

    def _target(self) -> list[str]:
        args = ["--local"] if self.local else []
        args += ["--endpoint-url", self.endpoint_url] if self.endpoint_url else []
        return args + (["--region", self.aws_region] if self.aws_region else [])

    def _parameters(self) -> list[str]:
        return [f"--parameters={line}" for line in self.parameters]

    def _pytest(self) -> list[str]:
        return ["--", *self.pytest_args] if self.pytest_args else []

    def command_line(self) -> list[str] | None:
        """argv for runner.cli.main.main, or None when there is nothing to do (keep-stack destroy)."""
        app = str(self.app_directory)
        work = ["--work-dir", str(self.work_directory)]
        durations = ["--durations", str(self.durations_file)] if self.durations else []
        if self.command is ActionCommand.DEPLOY:
            url = (
                ["--environment-url-output", self.environment_url_output]
                if self.environment_url_output
                else []
            )
            return [
                "deploy",
                app,
                *self._naming(),
                *self._target(),
                *work,
                "--ttl-hours",
                self.ttl_hours,
                *self._parameters(),
                *url,
            ]
        if self.command is ActionCommand.TEST:
            return [
                "test",
                "--shard",
                f"{self.shard}/{self.total_shards}",
                "--app-dir",
                app,
                "--tests",
                self.tests,
                *work,
                "--results-dir",
                str(self.results_directory),
                *durations,
                *self._pytest(),
            ]
        if self.command is ActionCommand.REPORT:
            return [
                "report",
                "--results-dir",
                str(self.results_directory),
                *work,
                "--app-dir",
                app,
                "--shards",
                str(self.total_shards),
                "--output",
                str(self.work_directory / "report.md"),
                "--comment-mode",
                self.comment_mode,
                "--check-run" if self.check_run else "--no-check-run",
                *(["--pr-for-commit", self.pr_for_commit] if self.pr_for_commit else []),
                *(["--stack-prefix", self.stack_prefix] if self.stack_prefix else []),
                *(["--pr", self.pr] if self.pr else []),
                *durations,
            ]
        if self.command is ActionCommand.DESTROY:
            if self.keep_stack:
                return None
            # With a record, destroy deletes exactly what deploy made; without one (PR closed, or a
            # deploy that died early) it finds the PR's stacks by name, still checking their tags.
            if self.record_file.is_file():
                source = ["--record", str(self.record_file), *self._naming()]
            else:
                prefix = ["--stack-prefix", self.stack_prefix] if self.stack_prefix else []
                pr = self.pr or self.event_pr
                source = [*prefix, *(["--pr", pr] if pr else [])]
            return ["destroy", app, *source, *self._target(), *work]
        if self.command is ActionCommand.JANITOR:
            return ["janitor", *self._target(), *(["--dry-run"] if self.dry_run else [])]
        return [
            "run",
            app,
            *self._naming(),
            *self._target(),
            *work,
            "--tests",
            self.tests,
            "--shards",
            str(self.total_shards),
            "--ttl-hours",
            self.ttl_hours,
            *self._parameters(),
            *self._pytest(),
        ]


def _event_pr(env: Mapping[str, str], cwd: Path) -> str:
    pr_number = RunContext.detect(env, cwd).pr_number
    return str(pr_number) if pr_number is not None else ""
