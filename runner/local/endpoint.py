"""The embedded local AWS endpoint: MiniStack in a process of its own, bound to 127.0.0.1.

One seam for the rest of the runner: `LocalEndpoint.start()` (install once, spawn, wait until
healthy), `.url`, `.env()` (what points boto3 and the CDK CLI at it), `.stop()` (the engine and
every Lambda worker it started, as one process group).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from runner.errors import EngineError, PortInUseError
from runner.local.delivery import DeliveryLatency, HopDelays
from runner.local.engine_install import EngineInstallation, default_home
from runner.polling import eventually

DEFAULT_REGION = "us-east-1"
LOCAL_ACCOUNT_ID = "123456789012"
# A 12-digit access key is the account MiniStack answers for; the CDK CLI caches the account per
# access key (~/.cdk/cache), so a key that is the account id can never be cached wrong.
DUMMY_ACCESS_KEY = LOCAL_ACCOUNT_ID
DUMMY_SECRET_KEY = "testing"  # noqa: S105 - not a secret: the engine accepts any value
HEALTH_PATH = "/_ministack/health"
# Where `serverless-pr-test local` serves by default; `--local` without an endpoint URL means it.
DEFAULT_PORT = 4566
DEFAULT_URL = f"http://localhost:{DEFAULT_PORT}"
START_TIMEOUT_SECONDS = 60.0
STOP_GRACE_SECONDS = 5.0
ENGINE_SIDE = Path(__file__).with_name("engine_side")
PROJECT_NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
# The only variables of the runner's environment the engine (and so every Lambda worker) inherits.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")


@dataclass
class LocalEndpoint:
    """A running engine. `url` uses `localhost`: API Gateway and S3 virtual hosts are served on
    `*.localhost` names of the same port."""

    port: int
    region: str = DEFAULT_REGION
    delivery_latency: HopDelays = field(default_factory=HopDelays)
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _log_path: Path | None = field(default=None, repr=False)
    _scratch: Path | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def worker_pids(self) -> list[int]:
        """The Lambda workers (and any other process) the engine runs in its process group."""
        if self._process is None:
            return []
        return [pid for pid in process_group_members(self._process.pid) if pid != self._process.pid]

    def env(self) -> dict[str, str]:
        """Variables that point boto3, the AWS CLI and the CDK CLI at this endpoint."""
        return client_environment(self.url, self.region)

    @classmethod
    def start(
        cls,
        port: int = 0,
        region: str = DEFAULT_REGION,
        delivery_latency: DeliveryLatency | HopDelays = DeliveryLatency.NONE,
        engine_home: Path | None = None,
        extra_environment: Mapping[str, str] | None = None,
    ) -> LocalEndpoint:
        """Bind 127.0.0.1:`port` (0 = any free port) here, so a taken port is a clear error, then
        hand the socket to the engine process and wait until it answers its health check.
        `extra_environment` is merged into the engine's (e.g. `SPT_ENGINE_DISABLE_PATCHES`)."""
        python = EngineInstallation(engine_home or default_home()).python()
        listener = _bind(port)
        bound_port = int(listener.getsockname()[1])
        scratch = _scratch_directory(bound_port)
        log = (scratch / "engine.log").open("wb")
        try:
            process = subprocess.Popen(
                [str(python), "-m", "spt_engine", "--fd", str(listener.fileno())],
                env={
                    **engine_environment(bound_port, region, _delays(delivery_latency), scratch),
                    **(extra_environment or {}),
                },
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
                # Its own process group: stop() ends the engine and its Lambda workers together.
                start_new_session=True,
            )
        finally:
            listener.close()
            log.close()
        endpoint = cls(
            port=bound_port,
            region=region,
            delivery_latency=_delays(delivery_latency),
            _process=process,
            _log_path=Path(log.name),
            _scratch=scratch,
        )
        try:
            endpoint._wait_healthy(START_TIMEOUT_SECONDS)
        except BaseException:
            endpoint.stop()
            raise
        return endpoint

    def _wait_healthy(self, timeout: float) -> None:
        def answers() -> bool:
            if self._process is not None and self._process.poll() is not None:
                raise EngineError(
                    f"the local engine exited (code {self._process.returncode}) while starting:\n"
                    + self.log_tail()
                )
            return is_healthy(self.url, timeout=1.0)

        try:
            eventually(answers, timeout=timeout, retry_on=(), description="the engine's health check")
        except AssertionError:
            raise EngineError(
                f"the local engine did not answer {HEALTH_PATH} within {timeout:.0f} s:\n{self.log_tail()}"
            ) from None

    def log_tail(self, lines: int = 20) -> str:
        if self._log_path is None or not self._log_path.exists():
            return ""
        return "\n".join(self._log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_GRACE_SECONDS)
        # Workers the engine started live in its group; none may outlive it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_GRACE_SECONDS)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


def _scratch_directory(port: int) -> Path:
    """The engine's TMPDIR: its log, and every Lambda worker's unpacked code below it. A
    `node_modules` link here is an ancestor of each Node.js handler's code, which is where ES
    modules look for packages (they ignore NODE_PATH): CDK's providers import the AWS SDK v3."""
    scratch = Path(tempfile.mkdtemp(prefix=f"spt-engine-{port}-"))
    if PROJECT_NODE_MODULES.is_dir():
        (scratch / "node_modules").symlink_to(PROJECT_NODE_MODULES, target_is_directory=True)
    return scratch


def _bind(port: int) -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", port))
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"local endpoint port {port} is already in use; pick another with --port "
                "or stop what is listening there"
            ) from error
        raise
    listener.listen(128)
    listener.set_inheritable(True)
    return listener


def process_group_members(group_id: int) -> list[int]:
    """Live processes whose process group is `group_id` (Linux /proc)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            # Field 5 of /proc/PID/stat is the process group; the name (field 2) may hold spaces.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group_id and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether an engine answers its health check at `url`."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + HEALTH_PATH, timeout=timeout) as response:  # noqa: S310 - loopback URL built here
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def client_environment(url: str, region: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_KEY,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "CDK_DEFAULT_ACCOUNT": LOCAL_ACCOUNT_ID,
        "CDK_DEFAULT_REGION": region,
    }


def _delays(latency: DeliveryLatency | HopDelays) -> HopDelays:
    return latency.value if isinstance(latency, DeliveryLatency) else latency


def engine_environment(port: int, region: str, delays: HopDelays, scratch: Path) -> dict[str, str]:
    """A scrubbed environment: Lambda workers inherit the engine's, so nothing of the runner's
    (a GitHub token, real AWS keys) may be in it."""
    passed = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    return {
        **passed,
        "PYTHONPATH": str(ENGINE_SIDE),
        "PYTHONDONTWRITEBYTECODE": "1",
        "GATEWAY_PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "MINISTACK_HOST": "localhost",
        "MINISTACK_ACCOUNT_ID": LOCAL_ACCOUNT_ID,
        "MINISTACK_REGION": region,
        "LAMBDA_EXECUTOR": "local",
        "LOG_LEVEL": "WARNING",
        # CDK's own Node.js providers import the real AWS SDK v3; the project ships it (package.json).
        "NODE_PATH": str(PROJECT_NODE_MODULES),
        "TMPDIR": str(scratch),
        "SPT_HOP_DELAYS": delays.to_environment(),
        **{key: value for key, value in client_environment(f"http://localhost:{port}", region).items()},
    }
