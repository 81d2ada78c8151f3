"""AWS Lambda's Python runtime: `logging` output and error shapes.

What AWS does: the runtime puts its handler on the root logger, so `logging` records (INFO and up
once the function lowers the level) reach CloudWatch as `[LEVEL]\\t<UTC time>Z\\t<request id>\\t
<message>`, one event per record even when it spans lines. An uncaught exception answers
`{"errorType": "<ExceptionClass>", "errorMessage", "requestId", "stackTrace": [...]}` and is logged
as one `[ERROR] <Type>: <message>\\nTraceback ...` event; a module that cannot be imported fails
with `Runtime.ImportModuleError` ("Unable to import module 'm': ..."); a handler that ends the
process fails with `Runtime.ExitError` ("RequestId: <id> Error: Runtime exited with error: exit
status N") and the next invoke gets a fresh environment. `context.memory_limit_in_mb` is the
environment's string, as awslambdaric reads it.

What MiniStack 1.5.33 did: no root handler (INFO lost, WARNING unformatted), every exception typed
`Runtime.HandlerError` without a stack trace, an import failure typed `RuntimeError` ("Worker init
failed: ..."), an exit reported as "Worker process died".

Wraps: inserts `python_worker_prelude.py` into MiniStack's Python worker script (three anchored
call sites; refuses to start if an anchor moved), wraps `Worker._spawn`/`Worker.invoke` to keep
the runtime's error and the exit status, and `_execute_function_warm` to answer with them.
Needs `lambda_platform_logs`, which turns the prelude's framed records into single log events.
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Any

from spt_engine.patches.lambda_platform_logs import RECORD_FRAME, WORKER_DIED

PRELUDE = Path(__file__).resolve().parent.parent / "python_worker_prelude.py"

# (MiniStack's text, ours): where the prelude's functions join the worker's own code.
ANCHORS = (
    ("result = handler_fn(event, context)", "result = _spt_invoke(handler_fn, event, context)"),
    (
        '"trace": traceback.format_exc()}',
        '"trace": "", "spt_error": _spt_error(e)}',
    ),
    (
        'json.dumps({"status": "error", "error": str(e)})',
        'json.dumps({"status": "error", "error": _spt_init_error(module_name, handler_name, e)})',
    ),
)
SCRIPT_END = "\nrun()\n"

_errors = threading.local()


def patched_worker_script(script: str) -> str:
    for theirs, ours in ANCHORS:
        if script.count(theirs) != 1:
            raise RuntimeError(f"lambda_python_runtime: MiniStack's worker script changed near {theirs!r}")
        script = script.replace(theirs, ours)
    if not script.endswith(SCRIPT_END):
        raise RuntimeError("lambda_python_runtime: MiniStack's worker script no longer ends with run()")
    return script[: -len(SCRIPT_END)] + "\n" + PRELUDE.read_text() + SCRIPT_END


def _exit_message(request_id: str, returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            how = f"signal: {signal.Signals(-returncode).name.removeprefix('SIG').lower()}"
        except ValueError:
            how = f"signal: {-returncode}"
        how = how.replace("signal: kill", "signal: killed")
    else:
        how = f"exit status {returncode}"
    return f"RequestId: {request_id} Error: Runtime exited with error: {how}"


def apply() -> None:
    from ministack.core import lambda_runtime
    from ministack.services import lambda_svc

    from spt_engine.patches import applied

    if "lambda_platform_logs" not in applied:
        raise RuntimeError(
            "lambda_python_runtime needs lambda_platform_logs: it turns framed records into events"
        )

    lambda_runtime._PYTHON_WORKER_SCRIPT = patched_worker_script(lambda_runtime._PYTHON_WORKER_SCRIPT)
    worker_class = lambda_runtime.Worker
    original_spawn = worker_class._spawn
    original_invoke = worker_class.invoke
    original_warm = lambda_svc._execute_function_warm

    def spawn(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            result = original_spawn(self, *args, **kwargs)
        except RuntimeError as failure:
            text = str(failure)
            if RECORD_FRAME in text:
                _errors.body = json.loads(text.split(RECORD_FRAME, 1)[1])
            raise
        self._spt_process = self._proc
        return result

    def invoke(self: Any, event: Any, request_id: str, *args: Any, **kwargs: Any) -> Any:
        response = original_invoke(self, event, request_id, *args, **kwargs)
        if response.get("status") != "error":
            return response
        if isinstance(response.get("spt_error"), dict):
            _errors.body = response["spt_error"]
        elif response.get("error") == WORKER_DIED:
            process = getattr(self, "_spt_process", None)
            returncode = None
            if process is not None:
                try:
                    returncode = process.wait(timeout=2)
                except Exception:  # an unreapable worker still died
                    returncode = process.returncode
            message = _exit_message(request_id, returncode)
            _errors.body = {"errorMessage": message, "errorType": "Runtime.ExitError"}
            _errors.log = RECORD_FRAME + json.dumps(f"{message}\nRuntime.ExitError")
        return response

    def warm(func: Any, event: Any, request_id: str) -> Any:
        _errors.body = None
        _errors.log = None
        result = original_warm(func, event, request_id)
        body, log = _errors.body, _errors.log
        _errors.body = _errors.log = None
        if not (isinstance(result, dict) and result.get("error") and body):
            return result
        result["body"] = body
        lines = [line for line in str(result.get("log") or "").splitlines() if line != WORKER_DIED]
        if log:
            lines.append(log)
        elif not lines and body.get("errorType", "").startswith("Runtime."):
            # An INIT failure: the worker that logged it is gone; AWS logs the error itself.
            lines.append(RECORD_FRAME + json.dumps(f"[ERROR] {body['errorType']}: {body['errorMessage']}"))
        result["log"] = "\n".join(lines)
        return result

    worker_class._spawn = spawn
    worker_class.invoke = invoke
    lambda_svc._execute_function_warm = warm
