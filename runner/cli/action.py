"""The action's run step (`python -m runner.cli.action`): a clean start, the inputs checked (every
problem in one error), the command line echoed as data, then the command."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

from runner import gha
from runner.cli.action_inputs import ActionInputs
from runner.cli.clean_start import restart_without_credentials
from runner.cli.main import main as cli_main
from runner.errors import ConfigError


def main(env: Mapping[str, str] | None = None) -> int:
    environment = os.environ if env is None else env
    if env is None:
        # PR code (synth, the CDK CLI, pytest, handlers) neither inherits the token nor reads it
        # from this process's initial environment (the token is withheld in memory from here on).
        restart_without_credentials()
    try:
        inputs = ActionInputs.from_env(environment, Path.cwd())
    except ConfigError as error:
        print(f"Error: {error}", file=sys.stderr, flush=True)
        if gha.in_actions():  # outside Actions the annotation would print the same line again
            gha.annotation("error", str(error), title="serverless-pr-test inputs")
        return error.exit_code
    argv = inputs.command_line()
    if argv is None:
        gha.annotation(
            "notice",
            "keep-stack is set: the stacks stay up; the janitor removes them once they expire",
            title="serverless-pr-test destroy",
        )
        return 0
    with gha.untrusted_output():  # the inputs may carry text from the event (a PR title, a branch)
        print(f"serverless-pr-test {shlex.join(argv)}", flush=True)
    return cli_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
