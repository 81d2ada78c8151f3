"""The engine's own Python environment: a venv holding exactly `engine-requirements.txt`.

MiniStack pins botocore exactly, and so may a team's test requirements (boto3 1.44 already needs a
newer botocore than MiniStack 1.5.33 allows). Sharing one environment would make either the engine or
the team's tests break on install, so the engine gets a venv of its own, made once per requirements
file and Python version, and reused by every run on the machine.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

from runner.errors import ToolMissingError

REQUIREMENTS = Path(__file__).with_name("engine-requirements.txt")
# pip can take minutes on a slow mirror; it is the only network step of a local run.
INSTALL_TIMEOUT_SECONDS = 900


def default_home() -> Path:
    """`$SPT_ENGINE_HOME`, else the user's cache directory."""
    explicit = os.environ.get("SPT_ENGINE_HOME")
    if explicit:
        return Path(explicit)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "serverless-pr-test" / "engine"


@dataclass(frozen=True)
class EngineInstallation:
    """Where the engine's venv lives; `python()` makes it on first use."""

    home: Path

    @property
    def directory(self) -> Path:
        pinned = REQUIREMENTS.read_bytes() + sys.version.encode()
        return self.home / f"venv-{hashlib.sha256(pinned).hexdigest()[:16]}"

    @property
    def interpreter(self) -> Path:
        return self.directory / "bin" / "python"

    def is_ready(self) -> bool:
        return (self.directory / ".complete").exists()

    def python(self, echo: bool = True) -> Path:
        """The engine's interpreter, installing the pinned engine first if this machine lacks it."""
        if self.is_ready():
            return self.interpreter
        self.home.mkdir(parents=True, exist_ok=True)
        with (self.home / ".install.lock").open("w") as lock:
            # Two runs starting at once install once: the second waits here, then finds it ready.
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not self.is_ready():
                self._install(echo)
        return self.interpreter

    def _install(self, echo: bool) -> None:
        if echo:
            print(
                f"Installing the local engine into {self.directory} (once per machine): "
                + ", ".join(_pinned_names()),
                flush=True,
            )
        venv.EnvBuilder(with_pip=True, clear=True).create(self.directory)
        command = [str(self.interpreter), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        try:
            completed = subprocess.run(
                [*command, "-r", str(REQUIREMENTS)],
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise ToolMissingError(
                f"installing the local engine took over {INSTALL_TIMEOUT_SECONDS} s; is the package index "
                "reachable? (pip install -r runner/local/engine-requirements.txt)"
            ) from error
        if completed.returncode != 0:
            errors = [line for line in completed.stderr.splitlines() if line.startswith("ERROR")]
            reason = "; ".join(errors[-3:]) or f"pip exit {completed.returncode}"
            raise ToolMissingError(f"could not install the local engine: {reason}")
        (self.directory / ".complete").write_text("".join(_pinned_names()))


def _pinned_names() -> list[str]:
    lines = (line.strip() for line in REQUIREMENTS.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]
