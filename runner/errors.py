"""The runner's error family. The CLI prints these as one line and exits with their code.

    RunnerError                      exit 2   base; never raised itself
    ├── ConfigError                  exit 2   bad input: flags, env, cdk.json, PR number
    ├── PortInUseError               exit 2   the local endpoint's port is taken
    ├── SynthError                   exit 3   the CDK app failed to synthesize
    ├── DeployError                  exit 4   a stack did not reach *_COMPLETE
    ├── StackNotFoundError           exit 5   a named stack does not exist (where one is required)
    ├── GuardError                   exit 6   refused: stack not created by this tool / this repository
    ├── DestroyError                 exit 7   a stack could not be deleted, or resources were left behind
    ├── ToolMissingError             exit 8   a required executable (node, the CDK CLI) is missing
    ├── WaitTimeoutError             exit 9   a stack stayed *_IN_PROGRESS past the allowed time
    ├── EngineError                  exit 10  the embedded local engine failed to start or answer
    ├── PreflightError               exit 11  every PR's copy would share a named resource
    ├── UnknownStateError            exit 12  janitor: some PR states were unknown; their stacks kept
    ├── UnreachableError             exit 13  AWS or the endpoint cannot be reached (nothing was done)
    └── StoppedError                 exit 130/143  a signal stopped the run; the message says what is left

Errors from libraries that mean "bad input or unreachable" (botocore's endpoint and credential
errors) become RunnerErrors in `from_library_error`; anything else is a bug and shows its traceback.
"""

from __future__ import annotations


class RunnerError(Exception):
    """Base of every error the CLI reports as one line."""

    exit_code = 2


class ConfigError(RunnerError):
    """Invalid input: a flag, an environment variable or a project file."""

    exit_code = 2


class PortInUseError(RunnerError):
    """The local endpoint could not bind its port."""

    exit_code = 2


class SynthError(RunnerError):
    """`cdk synth` (the app command) failed."""

    exit_code = 3


class DeployError(RunnerError):
    """A stack did not reach CREATE_COMPLETE or UPDATE_COMPLETE."""

    exit_code = 4


class StackNotFoundError(RunnerError):
    """A stack that must exist does not."""

    exit_code = 5


class GuardError(RunnerError):
    """Refused to touch a stack this tool did not create for this repository."""

    exit_code = 6


class DestroyError(RunnerError):
    """A stack could not be deleted, or resources were left behind."""

    exit_code = 7


class ToolMissingError(RunnerError):
    """A required executable is not installed."""

    exit_code = 8


class WaitTimeoutError(RunnerError):
    """A stack stayed *_IN_PROGRESS past the allowed time."""

    exit_code = 9


class EngineError(RunnerError):
    """The embedded local engine could not be installed, started or reached."""

    exit_code = 10


class PreflightError(RunnerError):
    """The preflight found resources two PRs' copies would share; nothing was deployed."""

    exit_code = 11


class UnreachableError(RunnerError):
    """AWS, the local endpoint or its credentials could not be reached or used."""

    exit_code = 13


class UnknownStateError(RunnerError):
    """The janitor finished, but could not learn some PR states: their stacks were kept."""

    exit_code = 12


class StoppedError(RunnerError):
    """A signal stopped the command; the message says what is still deployed."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def from_library_error(error: BaseException) -> RunnerError | None:
    """The RunnerError a library's exception stands for, or None when it is a bug to show."""
    try:
        from botocore import exceptions as botocore_errors
    except ImportError:  # pragma: no cover - botocore is a dependency
        return None
    unreachable = (
        botocore_errors.EndpointConnectionError,
        botocore_errors.ConnectTimeoutError,
        botocore_errors.ReadTimeoutError,
        botocore_errors.NoCredentialsError,
        botocore_errors.PartialCredentialsError,
        botocore_errors.InvalidRegionError,
    )
    if isinstance(error, unreachable):
        return UnreachableError(f"AWS could not be reached or used: {error}")
    return None
