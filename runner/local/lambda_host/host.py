"""Runs one invocation end to end: lease an environment, send the event, shape the outcome, record it."""

from __future__ import annotations

import json
import threading
import time
import uuid

from runner.local.lambda_host import telemetry
from runner.local.lambda_host.code_store import CodeStore
from runner.local.lambda_host.endpoints import current_endpoint_port
from runner.local.lambda_host.environment import ExecutionEnvironment, WorkerLaunch
from runner.local.lambda_host.function_spec import FunctionSpec
from runner.local.lambda_host.outcome import (
    InitReport,
    InvocationOutcome,
    InvocationStatus,
    error_payload,
    split_output,
    timeout_log_line,
    timeout_message,
)
from runner.local.lambda_host.pool import EnvironmentPool, FunctionThrottled
from runner.local.lambda_host.worker_pipes import Phase, PhaseEnd


class LambdaHost:
    """The process-wide runtime behind every invocation moto drives (see invoke_seam)."""

    def __init__(self) -> None:
        self._code = CodeStore()
        self._pool = EnvironmentPool(self._start_environment)
        self._init_phases: dict[ExecutionEnvironment, tuple[Phase, float]] = {}
        self._memory_kb: dict[ExecutionEnvironment, int] = {}
        self._lock = threading.Lock()

    def invoke(
        self, spec: FunctionSpec, event_text: str, invoked_arn: str | None = None
    ) -> InvocationOutcome:
        """Run the handler once, synchronously. Raises UnsupportedRuntimeError before starting anything
        for a runtime that cannot run here."""
        spec.require_runnable()
        request_id = str(uuid.uuid4())
        try:
            lease = self._pool.acquire(spec, current_endpoint_port())
        except FunctionThrottled:
            telemetry.record_throttle(spec)
            raise
        environment = lease.environment
        init_report: InitReport | None = None
        if lease.cold:
            init_phase, init_ms = self._init_phases.pop(environment)
            init_report = InitReport(init_ms, split_output(init_phase.output))
            if init_phase.message.get("kind") != "ready":
                outcome = self._init_failure(spec, environment, request_id, init_phase, init_report)
                return self._finish(spec, environment, outcome, reusable=False)
        started = time.perf_counter()
        try:
            phase = environment.invoke(request_id, event_text, invoked_arn or spec.arn)
            elapsed_ms = (time.perf_counter() - started) * 1000
            status, payload, output, duration_ms, error_type = self._shape(
                spec, environment, request_id, phase, elapsed_ms
            )
        except BaseException:
            # Never leave a worker counted as busy (it would hold a concurrency slot for good).
            self._pool.release(environment, reusable=False, current=spec)
            raise
        outcome = InvocationOutcome(
            request_id=request_id,
            status=status,
            payload=payload,
            output=output,
            duration_ms=duration_ms,
            max_memory_mb=self._memory_mb(environment, phase),
            init=init_report,
            error_type=error_type,
        )
        return self._finish(spec, environment, outcome, reusable=status in _REUSABLE)

    def retire(self, account_id: str, region: str, function_name: str) -> None:
        self._pool.retire(account_id, region, function_name)

    def busy_count(self, spec: FunctionSpec) -> int:
        return self._pool.busy_count(spec.key)

    def stop(self, endpoint_port: int | None = None) -> int:
        return self._pool.stop(endpoint_port)

    def worker_pids(self, endpoint_port: int | None = None) -> list[int]:
        return self._pool.pids(endpoint_port)

    def close(self) -> None:
        self._pool.stop()
        self._code.close()

    def _start_environment(self, spec: FunctionSpec) -> ExecutionEnvironment:
        code_dir = self._code.directory_for(spec.code_sha256, spec.code_zip, spec.name)
        layer_dirs = tuple(
            self._code.directory_for(layer.sha256, layer.zip_bytes, layer.arn) for layer in spec.layers
        )
        # Init Duration as AWS reports it covers the runtime's start too, not only the handler's import.
        started = time.perf_counter()
        environment = ExecutionEnvironment(spec, WorkerLaunch(code_dir, layer_dirs, current_endpoint_port()))
        phase = environment.initialise()
        self._init_phases[environment] = (phase, (time.perf_counter() - started) * 1000)
        return environment

    def _finish(
        self,
        spec: FunctionSpec,
        environment: ExecutionEnvironment,
        outcome: InvocationOutcome,
        *,
        reusable: bool,
    ) -> InvocationOutcome:
        telemetry.record(spec, environment.log_stream, outcome, self._pool.busy_count(spec.key))
        self._pool.release(environment, reusable=reusable, current=spec)
        if not reusable:
            with self._lock:
                self._memory_kb.pop(environment, None)
        return outcome

    def _memory_mb(self, environment: ExecutionEnvironment, phase: Phase) -> int:
        with self._lock:
            reported = int(phase.message.get("max_kb", 0))
            peak = max(reported, self._memory_kb.get(environment, 0))
            self._memory_kb[environment] = peak
        return max(1, -(-peak // 1024))

    def _init_failure(
        self,
        spec: FunctionSpec,
        environment: ExecutionEnvironment,
        request_id: str,
        init_phase: Phase,
        init_report: InitReport,
    ) -> InvocationOutcome:
        if init_phase.end is PhaseEnd.ANSWERED:
            error = dict(init_phase.message["error"], requestId=request_id)
            payload = json.dumps(error).encode()
            error_type = str(error["errorType"])
        elif init_phase.end is PhaseEnd.TIMED_OUT:
            error_type = "Runtime.InitTimeout"
            payload = error_payload(error_type, "INIT phase timed out", request_id)
        else:
            error_type = "Runtime.ExitError"
            payload = error_payload(
                error_type, f"RequestId: {request_id} Error: Runtime exited during INIT", request_id
            )
        return InvocationOutcome(
            request_id=request_id,
            status=InvocationStatus.INIT_ERROR,
            payload=payload,
            output=(),
            duration_ms=0.0,
            max_memory_mb=self._memory_mb(environment, init_phase),
            init=init_report,
            error_type=error_type,
        )

    def _shape(
        self,
        spec: FunctionSpec,
        environment: ExecutionEnvironment,
        request_id: str,
        phase: Phase,
        elapsed_ms: float,
    ) -> tuple[InvocationStatus, bytes, tuple[str, ...], float, str | None]:
        """(status, payload, output, duration, error type) in the shapes AWS uses for each ending."""
        output = split_output(phase.output)
        if phase.end is PhaseEnd.ANSWERED and phase.message.get("kind") == "result":
            payload = str(phase.message["payload"]).encode()
            return InvocationStatus.SUCCESS, payload, output, float(phase.message["duration_ms"]), None
        if phase.end is PhaseEnd.ANSWERED:
            error = phase.message["error"]
            duration_ms = float(phase.message["duration_ms"])
            return (
                InvocationStatus.ERROR,
                json.dumps(error).encode(),
                output,
                duration_ms,
                str(error["errorType"]),
            )
        if phase.end is PhaseEnd.TIMED_OUT:
            environment.signal_kill()
            payload = error_payload(
                "Sandbox.Timedout", timeout_message(request_id, spec.timeout_s), request_id
            )
            output = (*output, timeout_log_line(request_id, spec.timeout_s))
            return InvocationStatus.TIMEOUT, payload, output, spec.timeout_s * 1000.0, "Sandbox.Timedout"
        message = f"RequestId: {request_id} Error: Runtime exited with error: {environment.exit_status()}"
        payload = error_payload("Runtime.ExitError", message, request_id)
        return InvocationStatus.CRASH, payload, (*output, message), elapsed_ms, "Runtime.ExitError"


_REUSABLE = (InvocationStatus.SUCCESS, InvocationStatus.ERROR)
