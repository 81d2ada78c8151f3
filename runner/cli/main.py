"""`serverless-pr-test <command>`: a name -> module table, one module per stage's command.

Only the chosen command's module is imported (and it imports its stage at the top), so
`serverless-pr-test --help` and a typo cost no boto3, CDK or GitHub import.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from runner import __version__, gha
from runner.child_env import secret_values
from runner.cli.clean_start import restart_without_credentials
from runner.errors import RunnerError, from_library_error


@dataclass(frozen=True)
class Command:
    """A command's name, the module that implements it, and its one-line help.

    The module exposes configure(parser) and execute(args) -> exit code.
    """

    name: str
    module: str
    help: str


COMMANDS: tuple[Command, ...] = (
    Command(
        "check",
        "runner.preflight.command",
        "preflight: synth the app with per-PR stack names and list per-PR isolation and clean-up hazards",
    ),
    Command(
        "deploy",
        "runner.deploy.command",
        "synth the app with per-PR stack names, deploy every stack, verify, and record the outputs",
    ),
    Command(
        "destroy",
        "runner.destroy.command",
        "delete the PR's stacks in reverse dependency order, refusing any stack this tool did not create",
    ),
    Command(
        "run",
        "runner.run.command",
        "deploy, run the app's tests, and destroy, all on this machine (--local: no AWS account needed)",
    ),
    Command(
        "test",
        "runner.shards.command",
        "run shard i of N of the app's tests with the stack outputs injected (pytest args after --)",
    ),
    Command(
        "local",
        "runner.local.command",
        "run the embedded local AWS engine (MiniStack on 127.0.0.1) in the foreground; prints the env",
    ),
    Command(
        "dev",
        "runner.dev.command",
        "deploy the app to the local engine, run its tests, then watch: a test edit reruns those tests, "
        "a handler edit updates that code in place, any other edit redeploys; Ctrl-C destroys",
    ),
    Command(
        "report",
        "runner.report.command",
        "merge shard results, check them against the plans, estimate cost, write the report and PR comment",
    ),
    Command(
        "prices",
        "runner.report.cost.command",
        "show the dated unit-price table used for cost estimates, or `prices refresh` it from AWS",
    ),
    Command(
        "janitor",
        "runner.janitor.command",
        "destroy this repository's managed stacks past expires-at or whose PR is closed; sweep test captures",
    ),
)


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """Every command is listed; only `chosen`'s module is imported to add its options."""
    parser = argparse.ArgumentParser(
        prog="serverless-pr-test",
        description="Deploy a CDK app per pull request, test it, report, and destroy it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        if command.name == chosen:
            module = importlib.import_module(command.module)
            module.configure(sub)
            sub.set_defaults(_execute=module.execute)
    return parser


def _chosen_command(arguments: Sequence[str]) -> str | None:
    names = {command.name for command in COMMANDS}
    return next((argument for argument in arguments if argument in names), None)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # a real start (not a call from Python): no credential in the initial environment
        restart_without_credentials()
    for secret in secret_values(os.environ):
        gha.add_mask(secret)
    arguments = list(sys.argv[1:] if argv is None else argv)
    # Everything after a bare `--` goes untouched to the tool underneath (pytest).
    passthrough: list[str] = []
    if "--" in arguments:
        split = arguments.index("--")
        arguments, passthrough = arguments[:split], arguments[split + 1 :]
    args = build_parser(_chosen_command(arguments)).parse_args(arguments)
    args.passthrough = passthrough
    try:
        # Everything a command echoes (tool output, CloudFormation reasons, outputs, test names)
        # is data: only the runner's own annotations, groups and masks are workflow commands.
        with gha.untrusted_output():
            exit_code: int = args._execute(args)
    except RunnerError as error:
        return _report_error(error)
    except Exception as error:
        converted = from_library_error(error)
        if converted is None:
            raise
        return _report_error(converted)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    return exit_code


def _report_error(error: Exception) -> int:
    """One `Error:` line (its text is data in Actions too), and an escaped annotation."""
    if gha.in_actions():  # first, so the log still ends with the message (it may say what is left)
        gha.annotation("error", str(error), title=type(error).__name__)
    with gha.untrusted_output(stream=sys.stderr):
        print(f"Error: {error}", file=sys.stderr, flush=True)
    return error.exit_code if isinstance(error, RunnerError) else 2


if __name__ == "__main__":
    raise SystemExit(main())
