"""`serverless-pr-test <command>`: one command per stage. Kept import-light so --help is instant;
each command module imports boto3 and friends only when it runs."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from runner import __version__

# Each module exposes HELP, configure(parser) and execute(args) -> exit code.
COMMAND_MODULES: tuple[str, ...] = (
    "runner.commands.check",
    "runner.commands.deploy",
    "runner.commands.destroy",
    "runner.commands.run",
    "runner.commands.test",
    "runner.commands.local",
    "runner.commands.report",
    "runner.commands.prices",
    "runner.commands.janitor",
)


def _command_name(module_name: str) -> str:
    return module_name.rsplit(".", 1)[1].replace("_", "-")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="serverless-pr-test",
        description="Deploy a CDK app per pull request, test it, report, and destroy it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMAND_MODULES:
        module: ModuleType = importlib.import_module(module_name)
        sub = subparsers.add_parser(_command_name(module_name), help=module.HELP, description=module.HELP)
        module.configure(sub)
        sub.set_defaults(_execute=module.execute)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from runner.errors import RunnerError

    arguments = list(sys.argv[1:] if argv is None else argv)
    # Everything after a bare `--` goes untouched to the tool underneath (pytest).
    passthrough: list[str] = []
    if "--" in arguments:
        split = arguments.index("--")
        arguments, passthrough = arguments[:split], arguments[split + 1 :]
    args = build_parser().parse_args(arguments)
    args.passthrough = passthrough
    try:
        exit_code: int = args._execute(args)
    except RunnerError as error:
        from runner import gha

        print(f"Error: {error}", file=sys.stderr, flush=True)
        if gha.in_actions():
            gha.annotation("error", str(error), title=type(error).__name__)
        return error.exit_code
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    return exit_code


if __name__ == "__main__":
    raise SystemExit(main())
