"""AWS Lambda's platform log lines and log streams.

What AWS does: every execution environment writes to one log stream named
`YYYY/MM/DD/[$LATEST]<32 hex>` (also its `AWS_LAMBDA_LOG_STREAM_NAME`; `AWS_LAMBDA_LOG_GROUP_NAME`
names the group); each invoke logs `START RequestId: ... Version: ...`, the function's output, `END`,
and `REPORT` with `Duration: 12.34 ms`, `Billed Duration` (whole ms, init included), the memory
size, the environment's real `Max Memory Used`, `Init Duration` on a cold start only, and
`Status: timeout` (or `Status: error` with the error type) when the invoke did not finish.
`LogType=Tail` returns the end of exactly those lines.

What MiniStack 1.5.33 did: a new stream per invoke (named apart from the environment's uuid
variable), no `AWS_LAMBDA_LOG_GROUP_NAME`, integer durations, no `Init Duration`, `Max Memory Used`
from the engine's own children (0 MB), no status, a tail without the platform lines.

Wraps `Worker._spawn` and `Worker.invoke` (measure the environment), `_execute_function_dispatch`
(tail); replaces `_emit_lambda_logs` for warm-worker invokes (others keep MiniStack's lines). Lines
a runtime framed as one record (see lambda_python_runtime) stay one event.
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# A runtime writes one multi-line record as this prefix + its JSON string on one stderr line.
RECORD_FRAME = "\x1fspt-record\x1f"
TIMEOUT_TEXT = "Task timed out after"
WORKER_DIED = "Worker process died"


@dataclass(frozen=True)
class InvokeFacts:
    """What the execution environment measured for one invoke."""

    log_stream: str
    duration_ms: float
    init_ms: float | None
    max_memory_mb: int
    status: str


_facts: dict[str, InvokeFacts] = {}
_tails: dict[str, list[str]] = {}
_lock = threading.Lock()
_spawning = threading.local()


def decode_records(log_text: str) -> list[str]:
    """One event per stdout line, one per framed record however many lines it holds."""
    events = []
    for line in log_text.splitlines():
        if line.startswith(RECORD_FRAME):
            try:
                events.append(str(json.loads(line[len(RECORD_FRAME) :])))
            except ValueError:
                events.append(line)
        else:
            events.append(line)
    return events


def _stream_name(version: str) -> str:
    today = datetime.now(UTC)
    return f"{today:%Y/%m/%d}/[{version}]{uuid.uuid4().hex}"


def _group_name(config: dict[str, Any]) -> str:
    logging_config = config.get("LoggingConfig") or {}
    return str(logging_config.get("LogGroup") or f"/aws/lambda/{config.get('FunctionName', 'unknown')}")


def _peak_memory_mb(pid: int | None) -> int | None:
    if pid is None:
        return None
    try:
        with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return max(1, math.ceil(int(line.split()[1]) / 1024))
    except (OSError, ValueError, IndexError):
        return None
    return None


class _WorkerSubprocess:
    """`subprocess` as the runtime module sees it: a worker's Popen gets AWS's stream and group."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def Popen(self, args: Any, *rest: Any, **options: Any) -> Any:
        overlay = getattr(_spawning, "environment", None)
        env = options.get("env")
        if overlay and isinstance(env, dict):
            options["env"] = {**env, **overlay}
        return self._real.Popen(args, *rest, **options)


def apply() -> None:
    from ministack.core import lambda_runtime
    from ministack.services import cloudwatch_logs, lambda_svc

    worker_class = lambda_runtime.Worker
    original_spawn = worker_class._spawn
    original_invoke = worker_class.invoke
    original_emit = lambda_svc._emit_lambda_logs
    original_dispatch = lambda_svc._execute_function_dispatch
    lambda_runtime.subprocess = _WorkerSubprocess(lambda_runtime.subprocess)

    def spawn(self: Any, *args: Any, **kwargs: Any) -> Any:
        stream = _stream_name(str(self.config.get("Version", "$LATEST")))
        runtime = str(self.config.get("Runtime", ""))
        _spawning.environment = {
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_LAMBDA_LOG_GROUP_NAME": _group_name(self.config),
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
            "_HANDLER": str(self.config.get("Handler", "")),
        }
        self._spt_log_stream = stream
        started = time.monotonic()
        try:
            result = original_spawn(self, *args, **kwargs)
        finally:
            _spawning.environment = None
        self._spt_init_ms = (time.monotonic() - started) * 1000
        self._spt_pid = self._proc.pid if self._proc is not None else None
        self._spt_peak_mb = _peak_memory_mb(self._spt_pid)
        return result

    def invoke(self: Any, event: Any, request_id: str, *args: Any, **kwargs: Any) -> Any:
        self._spt_init_ms = None
        started = time.monotonic()
        try:
            response = original_invoke(self, event, request_id, *args, **kwargs)
        except Exception:
            # The INIT phase failed (the engine raises from the spawn): still one START..REPORT.
            _record(self, request_id, (time.monotonic() - started) * 1000, None, "Status: error")
            raise
        elapsed_ms = (time.monotonic() - started) * 1000
        init_ms = self._spt_init_ms if response.get("cold_start") else None
        peak = _peak_memory_mb(getattr(self, "_spt_pid", None)) or getattr(self, "_spt_peak_mb", None)
        self._spt_peak_mb = peak
        error = str(response.get("error", "")) if response.get("status") == "error" else ""
        status = ""
        if error.startswith(TIMEOUT_TEXT):
            status = "Status: timeout"
        elif error == WORKER_DIED:
            status = "Status: error\tError Type: Runtime.ExitError"
        _record(self, request_id, elapsed_ms - (init_ms or 0.0), init_ms, status)
        return response

    def emit(
        func: dict[str, Any],
        request_id: str,
        log_text: str,
        error: bool,
        duration_ms: int,
        *,
        log_source: str | None = None,
    ) -> None:
        with _lock:
            facts = _facts.pop(request_id, None)
        if facts is None:
            original_emit(func, request_id, log_text, error, duration_ms, log_source=log_source)
            return
        config = func.get("config") or func
        lines = [
            f"START RequestId: {request_id} Version: {config.get('Version', '$LATEST')}",
            *decode_records(log_text or ""),
            f"END RequestId: {request_id}",
            _report(request_id, config, facts),
        ]
        _write(cloudwatch_logs, _group_name(config), facts.log_stream, lines)
        with _lock:
            _tails[request_id] = lines

    def dispatch(func: Any, config: Any, event: Any, request_id: str, started: float) -> Any:
        result = original_dispatch(func, config, event, request_id, started)
        with _lock:
            lines = _tails.pop(request_id, None)
        if lines is not None and isinstance(result, dict):
            result["log"] = "\n".join(lines)
        return result

    worker_class._spawn = spawn
    worker_class.invoke = invoke
    lambda_svc._emit_lambda_logs = emit
    lambda_svc._execute_function_dispatch = dispatch


def _record(worker: Any, request_id: str, duration_ms: float, init_ms: float | None, status: str) -> None:
    with _lock:
        _facts[request_id] = InvokeFacts(
            log_stream=getattr(worker, "_spt_log_stream", None) or _stream_name("$LATEST"),
            duration_ms=max(0.01, duration_ms),
            init_ms=init_ms,
            max_memory_mb=getattr(worker, "_spt_peak_mb", None) or 1,
            status=status,
        )


def _report(request_id: str, config: dict[str, Any], facts: InvokeFacts) -> str:
    duration = round(facts.duration_ms, 2)
    init = round(facts.init_ms, 2) if facts.init_ms is not None else None
    # Since 2025-08 AWS bills the init phase of on-demand functions too.
    billed = math.ceil(duration + (init or 0.0))
    fields = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration:.2f} ms",
        f"Billed Duration: {billed} ms",
        f"Memory Size: {config.get('MemorySize', 128)} MB",
        f"Max Memory Used: {facts.max_memory_mb} MB",
    ]
    if init is not None:
        fields.append(f"Init Duration: {init:.2f} ms")
    if facts.status:
        fields.append(facts.status)
    return "\t".join(fields)


def _write(cloudwatch_logs: Any, group: str, stream: str, lines: list[str]) -> None:
    """Through the Logs service's own CreateLogGroup/CreateLogStream/PutLogEvents handlers;
    the 'already exists' answers are expected after the first invoke."""
    cloudwatch_logs._create_log_group({"logGroupName": group})
    cloudwatch_logs._create_log_stream({"logGroupName": group, "logStreamName": stream})
    now_ms = int(time.time() * 1000)
    cloudwatch_logs._put_log_events(
        {
            "logGroupName": group,
            "logStreamName": stream,
            "logEvents": [{"timestamp": now_ms, "message": line} for line in lines],
        }
    )
