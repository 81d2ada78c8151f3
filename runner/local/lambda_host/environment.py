"""One execution environment: a worker subprocess running bootstrap.py for one function version."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from runner.local.endpoint import DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY
from runner.local.lambda_host.function_spec import FunctionSpec
from runner.local.lambda_host.runtime_packages import runtime_packages_dir
from runner.local.lambda_host.worker_pipes import Phase, WorkerPipes

BOOTSTRAP = Path(__file__).with_name("bootstrap.py")
# AWS gives the INIT phase 10 s; a slow laptop importing heavy packages gets at least the function timeout.
INIT_TIMEOUT_S = 10


@dataclass(frozen=True)
class WorkerLaunch:
    """Where a worker's code lives and which endpoint its AWS SDK calls go to."""

    code_dir: Path
    layer_dirs: tuple[Path, ...]
    endpoint_port: int


class ExecutionEnvironment:
    """Serves one invocation at a time; the pool decides who uses it. `fingerprint` ties it to the code
    and configuration it was started with."""

    def __init__(self, spec: FunctionSpec, launch: WorkerLaunch) -> None:
        self.spec = spec
        self.fingerprint = spec.fingerprint
        self.endpoint_port = launch.endpoint_port
        self.log_stream = f"{datetime.now(UTC):%Y/%m/%d}/[{spec.version}]{uuid.uuid4().hex}"
        self.last_used = time.monotonic()
        marker = f"\x1espt-phase-end-{secrets.token_hex(8)}\x1e"
        response_read, response_write = os.pipe()
        output_read, output_write = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-u", str(BOOTSTRAP), str(response_write), marker],
                stdin=subprocess.PIPE,
                stdout=output_write,
                stderr=output_write,
                env=self._environment(launch),
                cwd=launch.code_dir,
                pass_fds=(response_write,),
                # Its own process group, so a timeout also kills whatever the handler spawned.
                start_new_session=True,
            )
        finally:
            os.close(response_write)
            os.close(output_write)
        self._pipes = WorkerPipes(response_read, output_read, marker.encode())

    @property
    def pid(self) -> int:
        return self._process.pid

    def initialise(self) -> Phase:
        """Wait for the handler's module to import (the INIT phase)."""
        return self._pipes.next_phase(time.monotonic() + max(INIT_TIMEOUT_S, self.spec.timeout_s))

    def invoke(self, request_id: str, event_text: str, invoked_arn: str) -> Phase:
        deadline_epoch_ms = int(time.time() * 1000) + self.spec.timeout_s * 1000
        deadline = time.monotonic() + self.spec.timeout_s
        request = {
            "request_id": request_id,
            "event": event_text,
            "invoked_function_arn": invoked_arn,
            "deadline_ms": deadline_epoch_ms,
            "trace_id": f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};Sampled=0",
        }
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write((json.dumps(request) + "\n").encode())
            stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # the worker is gone; next_phase reports it as exited
        phase = self._pipes.next_phase(deadline)
        self.last_used = time.monotonic()
        return phase

    def alive(self) -> bool:
        return self._process.poll() is None

    def exit_status(self) -> str:
        """How the worker ended, worded like AWS's Runtime.ExitError messages."""
        try:
            code = self._process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "runtime did not exit"
        return f"signal: {signal.Signals(-code).name.lower()}" if code < 0 else f"exit status {code}"

    def signal_kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._process.pid, signal.SIGKILL)

    def kill(self) -> None:
        """Kill the worker's process group and release its pipes; safe to call twice."""
        self.signal_kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=5)
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        self._pipes.close()

    def _environment(self, launch: WorkerLaunch) -> dict[str, str]:
        spec = self.spec
        env = dict(spec.environment)
        # Set after the function's own variables: AWS reserves these names.
        env.update(
            {
                "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
                "LANG": "en_US.UTF-8",
                "TZ": ":UTC",
                "LAMBDA_TASK_ROOT": str(launch.code_dir),
                "LAMBDA_RUNTIME_DIR": str(BOOTSTRAP.parent),
                "_HANDLER": spec.handler,
                "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
                "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
                "AWS_LAMBDA_FUNCTION_NAME": spec.name,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
                "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
                "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group,
                "AWS_LAMBDA_LOG_STREAM_NAME": self.log_stream,
                "AWS_REGION": spec.region,
                "AWS_DEFAULT_REGION": spec.region,
                "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_KEY,
                "AWS_SESSION_TOKEN": DUMMY_SECRET_KEY,
                "AWS_ENDPOINT_URL": f"http://localhost:{launch.endpoint_port}",
                # The handler must never pick up a developer's real AWS profile or credentials.
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "_SPT_LAYER_PATHS": os.pathsep.join(_layer_paths(launch.layer_dirs, spec)),
                "_SPT_RUNTIME_PACKAGES": str(runtime_packages_dir()),
            }
        )
        return env


def _layer_paths(layer_dirs: tuple[Path, ...], spec: FunctionSpec) -> list[str]:
    """Where AWS puts layer content on sys.path: /opt/python and its versioned site-packages."""
    version = spec.require_runnable()
    paths: list[str] = []
    for layer_dir in layer_dirs:
        paths.append(str(layer_dir / "python"))
        paths.append(str(layer_dir / "python" / "lib" / f"python{version}" / "site-packages"))
    return paths
