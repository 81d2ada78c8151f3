"""Which Lambda runtimes the local endpoint can run: Python ones, with the runner's own interpreter."""

from __future__ import annotations

import re

_PYTHON_RUNTIME = re.compile(r"^python(?P<version>3\.\d+)$")


class UnsupportedRuntimeError(Exception):
    """A function whose runtime cannot run on this machine. Never reaches the CLI: the invoke seam turns
    it into an AWS-shaped error response, so it is not part of the RunnerError family."""


def python_version_of(runtime: str, function_name: str) -> str:
    """`python3.12` -> `3.12`. Any Python 3 runtime runs on the runner's interpreter (sys.executable),
    so boto3 is importable as in AWS's managed runtime; other runtimes are refused by name."""
    match = _PYTHON_RUNTIME.match(runtime)
    if match is None:
        raise UnsupportedRuntimeError(
            f"serverless-pr-test local endpoint cannot run runtime {runtime or '(none)'} for function "
            f"{function_name}; only Python runtimes (python3.x) run locally"
        )
    return match.group("version")
