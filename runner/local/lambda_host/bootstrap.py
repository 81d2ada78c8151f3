"""The Python runtime inside one execution environment (a worker subprocess).

Run as a script (`python -u bootstrap.py RESPONSE_FD MARKER`), never imported by the runner: it must
only need the standard library, like AWS's runtime interface client. It imports the handler once (the
INIT phase), then serves invocations read as JSON lines from stdin and answers as JSON lines on
RESPONSE_FD. Everything the handler prints goes to fd 1/2, which the host reads as the function's log;
after each phase the bootstrap writes MARKER there so the host knows that phase's output is complete.
"""

from __future__ import annotations

import decimal
import importlib
import json
import logging
import os
import resource
import sys
import sysconfig
import time
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any, TextIO

Handler = Callable[[Any, Any], Any]


class LambdaContext:
    """Mirrors the attributes of the AWS Python runtime's context object (strings where AWS uses them)."""

    def __init__(self, request_id: str, invoked_function_arn: str, deadline_ms: int) -> None:
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity: Any = None
        self.client_context: Any = None
        self.tenant_id: str | None = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, message: str) -> None:
        sys.stdout.write(message)

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn}])"
        )


class _RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


class _LambdaLogFormatter(logging.Formatter):
    """AWS's text log format; newlines become CR so a multi-line record stays one log event."""

    def __init__(self) -> None:
        super().__init__(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
            datefmt="%Y-%m-%dT%H:%M:%S",
        )
        self.converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", "\r")


def _install_logging(request_ids: _RequestIdFilter, stream: TextIO) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_LambdaLogFormatter())
    handler.addFilter(request_ids)
    root = logging.getLogger()
    root.handlers = [handler]
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    if level:
        root.setLevel(level.upper())


class _JsonEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, decimal.Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


def _error(request_id: str, error_type: str, message: str, stack: list[str]) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": stack}


def _user_stack(tb: TracebackType | None) -> list[str]:
    # Drop the bootstrap's own frame, as AWS's runtime does, so the trace starts in user code.
    user_tb = tb.tb_next if tb is not None else None
    return traceback.format_list(traceback.extract_tb(user_tb)) if user_tb is not None else []


def _exception_error(request_id: str, error: BaseException) -> dict[str, Any]:
    return _error(request_id, type(error).__name__, str(error), _user_stack(error.__traceback__))


def _log_error(error: dict[str, Any]) -> None:
    lines = [f"[ERROR] {error['errorType']}: {error['errorMessage']}"]
    if error["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        lines.extend(frame.rstrip("\n") for frame in error["stackTrace"])
    sys.stdout.write("\r".join(lines).replace("\n", "\r") + "\n")


def _load_handler(handler_name: str) -> Handler:
    try:
        module_path, function_name = handler_name.rsplit(".", 1)
    except ValueError as error:
        raise _InitError("Runtime.MalformedHandlerName", f"Bad handler '{handler_name}': {error}") from None
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise _InitError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}"
        ) from error
    except SyntaxError as error:
        raise _InitError(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {error}"
        ) from error
    handler = getattr(module, function_name, None)
    if handler is None:
        raise _InitError(
            "Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'"
        )
    if not callable(handler):
        raise _InitError("Runtime.HandlerNotFound", f"Handler '{function_name}' is not callable")
    return handler  # type: ignore[no-any-return]


class _InitError(Exception):
    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def _max_memory_kb() -> int:
    """Peak RSS of this process image. Linux's ru_maxrss survives exec, so right after the fork from
    the (large) server it would report the server's size; VmHWM belongs to the new image only."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123 - hot path, stdlib only
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class _Channel:
    """Answers on the response pipe; the marker on fd 1 closes each phase's output."""

    def __init__(self, response_fd: int, marker: bytes) -> None:
        self._responses = os.fdopen(response_fd, "w", encoding="utf-8")
        self._marker = marker

    def send(self, message: dict[str, Any]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(1, self._marker)
        self._responses.write(json.dumps(message) + "\n")
        self._responses.flush()


def _prepare_sys_path() -> None:
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    layer_paths = [path for path in os.environ.get("_SPT_LAYER_PATHS", "").split(os.pathsep) if path]
    runtime_packages = os.environ.get("_SPT_RUNTIME_PACKAGES", "")
    # Only the standard library of this interpreter, not its site-packages (see runtime_packages.py).
    stdlib_roots = {sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib")}
    standard = [
        path
        for path in sys.path[1:]
        if any(path.startswith(root) for root in stdlib_roots if root) and "site-packages" not in path
    ]
    # AWS's order: the task root first, then layer content, then the runtime's own packages.
    sys.path[:] = [task_root, *layer_paths, *standard, *([runtime_packages] if runtime_packages else [])]
    os.chdir(task_root)


def _init(channel: _Channel) -> Handler | None:
    started = time.perf_counter()
    try:
        handler = _load_handler(os.environ["_HANDLER"])
    except _InitError as error:
        failure = _error("", error.error_type, str(error), [])
    except Exception as error:
        failure = _exception_error("", error)
    else:
        channel.send({"kind": "ready", "init_ms": (time.perf_counter() - started) * 1000})
        return handler
    _log_error(failure)
    channel.send({"kind": "init_error", "error": failure, "init_ms": (time.perf_counter() - started) * 1000})
    return None


def _invoke(handler: Handler, request: dict[str, Any], request_ids: _RequestIdFilter) -> dict[str, Any]:
    request_id = request["request_id"]
    request_ids.request_id = request_id
    os.environ["_X_AMZN_TRACE_ID"] = request.get("trace_id", "")
    context = LambdaContext(request_id, request["invoked_function_arn"], request["deadline_ms"])
    started = time.perf_counter()
    failure = None
    try:
        result = handler(json.loads(request["event"]), context)
    except Exception as error:
        failure = _exception_error(request_id, error)
    else:
        try:
            payload = json.dumps(result, cls=_JsonEncoder)
        except (TypeError, ValueError) as error:
            failure = _error(request_id, "Runtime.MarshalError", f"Unable to marshal response: {error}", [])
    duration_ms = (time.perf_counter() - started) * 1000
    if failure is None:
        return {"kind": "result", "payload": payload, "duration_ms": duration_ms, "max_kb": _max_memory_kb()}
    _log_error(failure)
    return {"kind": "error", "error": failure, "duration_ms": duration_ms, "max_kb": _max_memory_kb()}


def main(argv: list[str]) -> int:
    response_fd, marker = int(argv[1]), argv[2].encode()
    sys.argv = [argv[0]]
    channel = _Channel(response_fd, marker)
    requests = sys.stdin
    # The handler gets no stdin, as on AWS; requests arrive on the original one.
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115, PTH123 - lives as long as the process
    request_ids = _RequestIdFilter()
    _install_logging(request_ids, sys.stdout)
    _prepare_sys_path()
    handler = _init(channel)
    if handler is None:
        return 1
    for line in requests:
        channel.send(_invoke(handler, json.loads(line), request_ids))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
