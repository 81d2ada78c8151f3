"""The CDK CLI as a subprocess: synth once into a work dir, bootstrap, deploy that assembly."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from runner import gha
from runner.aws import retry_environment
from runner.child_env import scrubbed_environment
from runner.deploy.assembly import CloudAssembly
from runner.errors import ConfigError, DeployError, SynthError, ToolMissingError

STACK_NAME_CONTEXT_KEY = "serverless-pr-test:stack-name"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
_TAIL_LINES = 40
DEFAULT_SYNTH_TIMEOUT_SECONDS = 900.0  # 15 minutes: a synth of a large app under load takes ~1
_STOP_GRACE_SECONDS = 5.0


class _TimedOut(Exception):
    """The command ran past its limit; it and every process it started were stopped."""


def find_cdk_executable(app_dir: Path) -> Path:
    """The app's own CLI (the tool its production deploys use), else the one this project pins."""
    candidates = [
        app_dir / "node_modules" / ".bin" / "cdk",
        PROJECT_ROOT / "node_modules" / ".bin" / "cdk",
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    on_path = shutil.which("cdk")
    if on_path:
        return Path(on_path)
    raise ToolMissingError(
        "no CDK CLI found: run `npm ci` in the serverless-pr-test checkout (it pins aws-cdk@2) "
        f"or install aws-cdk in {app_dir}"
    )


def read_cdk_json(app_dir: Path) -> dict[str, object]:
    path = app_dir / "cdk.json"
    if not path.is_file():
        raise ConfigError(f"app directory {app_dir} has no cdk.json (is --app-dir right?)")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ConfigError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(config, dict) or not isinstance(config.get("app"), str):
        raise ConfigError(f'{path} has no "app" command')
    return config


_THROTTLED = re.compile(
    r"\b(Throttling(Exception)?|TooManyRequestsException|SlowDown|RequestLimitExceeded)\b"
)


def throttled(cli_output: str) -> bool:
    """Whether the CLI gave up on a throttled AWS call. Its SDK clients carry fixed retry budgets
    (STS: 3 attempts) that no environment variable raises, so the runner re-runs the command."""
    return bool(_THROTTLED.search(cli_output))


def cli_environment(base: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """The CLI's environment: this interpreter's bin dir first, so `python3 app.py` finds the same
    aws-cdk-lib the runner was installed with; version checks and Node EOL banners off. The app is
    PR code: it never sees a GitHub credential (runner.child_env)."""
    env = scrubbed_environment(base)
    env.update(extra)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")])
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    env.setdefault("CDK_DISABLE_VERSION_CHECK", "1")
    env.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
    # The AWS SDK's Node 20 end-of-support warning is noise in every deploy log.
    env.setdefault("AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED", "true")
    for name, value in retry_environment().items():  # the caller's own setting wins
        env.setdefault(name, value)
    return env


@dataclass(frozen=True)
class CdkCli:
    executable: Path
    app_dir: Path
    env: Mapping[str, str]
    echo: Callable[[str], None] = print
    synth_timeout_seconds: float = DEFAULT_SYNTH_TIMEOUT_SECONDS

    def synth(self, stack_name: str, out_dir: Path) -> CloudAssembly:
        """Run the app once with the per-PR stack name in context; raise SynthError with its stderr."""
        read_cdk_json(self.app_dir)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        command = [
            str(self.executable), "synth", "--quiet", "--no-notices", "--no-version-reporting",
            "--output", str(out_dir), "--context", f"{STACK_NAME_CONTEXT_KEY}={stack_name}",
        ]  # fmt: skip
        try:
            code, tail = self._run(command, prefix="synth", timeout=self.synth_timeout_seconds)
        except _TimedOut as error:
            raise SynthError(
                f"the CDK app in {self.app_dir} did not finish synthesizing within "
                f"{self.synth_timeout_seconds:g} s (--synth-timeout); it and every process it "
                f"started were stopped:\n{error}"
            ) from error
        if code != 0:
            raise SynthError(f"the CDK app in {self.app_dir} failed to synthesize (exit {code}):\n{tail}")
        assembly = CloudAssembly.read(out_dir)
        if not assembly.stacks:
            raise SynthError(f"the CDK app in {self.app_dir} defines no stacks")
        return assembly

    def bootstrap(self, account: str, region: str) -> None:
        command = [
            str(self.executable), "bootstrap", f"aws://{account}/{region}", "--no-notices",
        ]  # fmt: skip
        # Outside the app directory: with a cdk.json in reach the CLI synthesizes the app first.
        with tempfile.TemporaryDirectory(prefix="spt-bootstrap-") as neutral:
            code, tail = self._run(command, prefix="bootstrap", cwd=Path(neutral))
        if code != 0:
            raise DeployError(f"cdk bootstrap failed (exit {code}):\n{tail}")

    def deploy(
        self,
        assembly: CloudAssembly,
        tags: Mapping[str, str],
        sequential_assets: bool = False,
        parameters: Sequence[str] = (),
    ) -> tuple[int, str]:
        """Deploy every stack of the synthesized assembly (no second synth); returns (exit, tail).

        `sequential_assets` publishes one asset at a time: the local endpoint initialises its S3
        backend lazily and concurrent first uploads have failed there with UnknownError.
        """
        command = [
            str(self.executable), "deploy", "--app", str(assembly.directory), "--all",
            "--require-approval", "never", "--no-notices", "--progress", "events",
        ]  # fmt: skip
        if sequential_assets:
            command.append("--asset-parallelism=false")
        for key, value in tags.items():
            command += ["--tags", f"{key}={value}"]
        command += parameters  # `--parameters=<stack>:KEY=VALUE`, from runner.deploy.parameters
        return self._run(command, prefix="deploy")

    def _run(
        self, command: list[str], prefix: str, cwd: Path | None = None, timeout: float | None = None
    ) -> tuple[int, str]:
        """Stream the CLI's output line by line as it arrives (as data, never as workflow commands);
        keep a tail for error messages. The CLI and the app it runs form one process group, so a
        timeout or an interruption stops all of them, not only the CLI."""
        tail: deque[str] = deque(maxlen=_TAIL_LINES)
        try:
            process = subprocess.Popen(
                command,
                cwd=cwd or self.app_dir,
                env=scrubbed_environment(self.env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
                start_new_session=True,
            )
        except FileNotFoundError as error:
            raise ToolMissingError(f"cannot run {command[0]}: {error} (is Node.js installed?)") from error
        assert process.stdout is not None
        with gha.untrusted_output():
            reader = threading.Thread(
                target=_pump, args=(process.stdout, tail, self.echo, prefix), daemon=True
            )
            reader.start()
            try:
                code = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired as error:
                _stop_group(process)
                reader.join(timeout=_STOP_GRACE_SECONDS)
                raise _TimedOut("\n".join(tail)) from error
            except BaseException:
                _stop_group(process)
                raise
            reader.join()
        return code, "\n".join(tail)


def _stop_group(process: subprocess.Popen[str]) -> None:
    """SIGTERM to the whole process group, SIGKILL to whatever is still there after a grace."""
    for signal_number in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, signal_number)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            continue
        if signal_number is signal.SIGTERM:
            # The leader is gone; its children may not be: make sure.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            return


def _pump(stream: object, tail: deque[str], echo: Callable[[str], None], prefix: str) -> None:
    for raw in stream:  # type: ignore[attr-defined]
        line = str(raw).rstrip("\n")
        if not line.strip():
            continue
        tail.append(line)
        echo(f"  {prefix} | {line}")
