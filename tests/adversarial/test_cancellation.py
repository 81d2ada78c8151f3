"""Cancellation never lies. GitHub cancels with SIGINT, then SIGTERM; a user presses Ctrl-C twice.
A first signal during destroy lets it finish, a second stops it; whatever happens the last line
says what is still deployed and the exact command that removes it, and the exit code is non-zero.
Real subprocesses, real signals.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

from .conftest import (
    QUEUE,
    REPOSITORY_NAME,
    cli,
    cli_env,
    create_stack,
    stack_exists,
    tags,
    visible_last_line,
    workflow_commands,
)


class Watched:
    """The CLI in its own process group, its output read line by line as it arrives."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path | None = None) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "runner", *args],
            cwd=cwd,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def read_until(self, needle: str) -> bool:
        """Read lines until one contains `needle` (True) or the output ends (False)."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if needle in line:
                return True
        return False

    def finish(self, timeout: float = 300) -> int:
        self.read_until("\0never\0")
        return self.process.wait(timeout=timeout)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    @property
    def last_line(self) -> str:
        """The last line a reader sees: in Actions the runner hides the stop-commands markers."""
        return visible_last_line(self.lines)


def test_sigint_in_the_tests_then_sigterm_at_destroy_destroys_everything_and_says_so(
    endpoint, aws, make_app, tmp_path
):
    app = make_app("cancel")
    # In Actions, with a stack output that tries to be a workflow command.
    env = cli_env(
        endpoint,
        ADV_SLEEP="120",
        ADV_OUTPUT="x\n::warning::pwned-output",
        CDK_HOME=str(tmp_path / "cdk-home"),
        GITHUB_ACTIONS="true",
        GITHUB_OUTPUT=str(tmp_path / "github-output"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary"),
    )
    run = Watched(
        [
            "run",
            str(app),
            "--endpoint-url",
            endpoint.url,
            "--pr",
            "41",
            "--work-dir",
            str(tmp_path / "w"),
            "--",
            "-s",
        ],
        env,
    )
    try:
        assert run.read_until("ADV TESTS STARTED"), run.output
        os.killpg(run.process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group: pytest too
        assert run.read_until("::group::Destroy"), run.output
        run.process.send_signal(signal.SIGTERM)  # GitHub's second signal, at the worst moment
        code = run.finish()
    finally:
        if run.process.poll() is None:
            os.killpg(run.process.pid, signal.SIGKILL)
    assert code == 143, run.output
    assert run.last_line == "Nothing is still deployed.", run.output
    assert not stack_exists(aws, "cancel-pr-41")
    assert "stacks were destroyed" not in run.output  # the old, unchecked claim
    assert "pwned-output" in run.output  # the output was printed, as data
    assert not [command for command in workflow_commands(run.output) if "pwned" in command.line]


def many_stacks(aws, base: str, count: int, pr: int) -> list[str]:
    names = [base] + [f"{base}-s{index}" for index in range(1, count)]
    for name in names:
        create_stack(aws, name, QUEUE, tags(pr=pr))
    return names


def test_a_second_sigterm_stops_the_destroy_and_the_last_line_lists_exactly_what_is_left(
    endpoint, aws, unique
):
    names = many_stacks(aws, f"{unique}-pr-2", 8, pr=2)
    env = cli_env(endpoint)
    destroy = Watched(["destroy", "--pr", "2", "--stack-prefix", unique, "--endpoint-url", endpoint.url], env)
    assert destroy.read_until("==> Destroy"), destroy.output
    destroy.process.send_signal(signal.SIGTERM)
    assert destroy.read_until(": deleted"), destroy.output
    destroy.process.send_signal(signal.SIGTERM)
    code = destroy.finish()

    left = [name for name in names if stack_exists(aws, name)]
    assert code == 143, destroy.output
    assert left, "the second signal came too late to test anything"
    assert destroy.last_line.startswith("Still deployed: "), destroy.output
    listed = destroy.last_line.removeprefix("Still deployed: ").split(". Remove with: ")[0]
    assert sorted(item.split(" (")[0] for item in listed.split(", ")) == sorted(left)
    command = destroy.last_line.split(". Remove with: ")[1]
    assert command == shlex.join(
        [
            "serverless-pr-test", "destroy", "--stack-name", f"{unique}-pr-2",
            "--repository", REPOSITORY_NAME, "--pr", "2", "--region", endpoint.region,
            "--endpoint-url", endpoint.url,
        ]
    )  # fmt: skip

    # The command it gives works, and removes the rest.
    rerun = cli(shlex.split(command)[1:], env)
    assert rerun.code == 0, str(rerun)
    assert rerun.last_line == "Nothing is still deployed."
    assert not [name for name in names if stack_exists(aws, name)]


def test_a_single_sigint_during_destroy_lets_it_finish_and_exits_non_zero(endpoint, aws, unique):
    names = many_stacks(aws, f"{unique}-pr-3", 4, pr=3)
    destroy = Watched(
        ["destroy", "--pr", "3", "--stack-prefix", unique, "--endpoint-url", endpoint.url], cli_env(endpoint)
    )
    assert destroy.read_until("==> Destroy"), destroy.output
    destroy.process.send_signal(signal.SIGINT)
    code = destroy.finish()
    assert code == 130, destroy.output
    assert "SIGINT received: finishing the destroy first" in destroy.output
    assert destroy.last_line == "Nothing is still deployed.", destroy.output
    assert not [name for name in names if stack_exists(aws, name)]
