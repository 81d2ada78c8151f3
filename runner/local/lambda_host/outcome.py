"""What one invocation produced, in the shapes AWS reports it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any


class InvocationStatus(Enum):
    """How the invocation ended; everything but SUCCESS is a function error (FunctionError: Unhandled)."""

    SUCCESS = "success"
    ERROR = "error"
    TIMEOUT = "timeout"
    CRASH = "crash"
    INIT_ERROR = "init_error"


@dataclass(frozen=True)
class InitReport:
    """The INIT phase of a cold start: how long the handler's import took and what it printed."""

    duration_ms: float
    output: tuple[str, ...]


@dataclass(frozen=True)
class InvocationOutcome:
    request_id: str
    status: InvocationStatus
    payload: bytes
    output: tuple[str, ...]
    duration_ms: float
    max_memory_mb: int
    init: InitReport | None = None
    error_type: str | None = None

    @property
    def function_error(self) -> bool:
        return self.status is not InvocationStatus.SUCCESS

    @property
    def billed_duration_ms(self) -> int:
        """AWS bills in 1 ms steps, rounded up; since 2025-08-01 the INIT phase of a cold start of a
        managed runtime is billed too."""
        init_ms = self.init.duration_ms if self.init is not None else 0.0
        return max(1, math.ceil(self.duration_ms + init_ms))


def error_payload(error_type: str, message: str, request_id: str, stack: list[str] | None = None) -> bytes:
    shaped: dict[str, Any] = {"errorMessage": message, "errorType": error_type, "requestId": request_id}
    shaped["stackTrace"] = stack or []
    return json.dumps(shaped).encode()


def timeout_message(request_id: str, timeout_s: int) -> str:
    return f"RequestId: {request_id} Error: Task timed out after {timeout_s:.2f} seconds"


def timeout_log_line(request_id: str, timeout_s: int) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return f"{stamp} {request_id} Task timed out after {timeout_s:.2f} seconds"


def split_output(raw: bytes) -> tuple[str, ...]:
    """One log event per line, as Lambda does for stdout; the runtime's logging handler writes CR inside
    a record so a multi-line record (a traceback) stays one event."""
    text = raw.decode("utf-8", errors="replace")
    return tuple(line.replace("\r", "\n") for line in text.split("\n") if line.strip())
