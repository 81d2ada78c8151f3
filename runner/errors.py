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
    └── PreflightError               exit 11  every PR's copy would share a named resource

Anything else is a bug and is allowed to show its traceback.
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
