# serverless-pr-test: what AWS's Python runtime (awslambdaric) adds around a handler; inserted into
# MiniStack's Python worker script by patches/lambda_python_runtime.py, runs in the worker process.
import json as _spt_json
import logging as _spt_logging
import os as _spt_os
import sys as _spt_sys
import time as _spt_time
import traceback as _spt_traceback

_SPT_FRAME = "\x1fspt-record\x1f"
_spt_request_id = ""


def _spt_record(message):
    """One CloudWatch Logs event however many lines it has: framed on one stderr line."""
    _spt_sys.__stderr__.write(_SPT_FRAME + _spt_json.dumps(message) + "\n")
    _spt_sys.__stderr__.flush()


class _SptLambdaLoggerHandler(_spt_logging.Handler):
    def emit(self, record):
        try:
            record.aws_request_id = _spt_request_id
            _spt_record(self.format(record))
        except Exception:
            self.handleError(record)


def _spt_install_logging():
    # The runtime's handler on the root logger, in its format, UTC timestamps; the root level stays
    # WARNING unless the function sets it, as on AWS.
    formatter = _spt_logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"
    )
    formatter.converter = _spt_time.gmtime
    handler = _SptLambdaLoggerHandler()
    handler.setFormatter(formatter)
    _spt_logging.getLogger().addHandler(handler)


def _spt_invoke(handler_fn, event, context):
    global _spt_request_id
    _spt_request_id = context.aws_request_id
    # awslambdaric's LambdaContext reads it from the environment: a string, not an int.
    context.memory_limit_in_mb = _spt_os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
    return handler_fn(event, context)


def _spt_log_error(error_type, message, stack):
    _spt_record(f"[ERROR] {error_type}: {message}\nTraceback (most recent call last):\n{''.join(stack)}")


def _spt_error(error):
    """The invoke's error payload, as the runtime posts it; logged as one [ERROR] record."""
    frames = [
        f for f in _spt_traceback.extract_tb(error.__traceback__) if not f.filename.endswith("_worker.py")
    ]
    stack = _spt_traceback.format_list(frames)
    _spt_log_error(type(error).__name__, str(error), stack)
    return {
        "errorMessage": str(error),
        "errorType": type(error).__name__,
        "requestId": _spt_request_id,
        "stackTrace": stack,
    }


def _spt_init_error(module_name, handler_name, error):
    """A failed INIT phase named as the runtime names it; returned framed, so it survives the
    engine's 'Worker init failed: ...' message."""
    if isinstance(error, SyntaxError):
        error_type, message = (
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module '{module_name}': {error}",
        )
    elif isinstance(error, ImportError):
        error_type, message = (
            "Runtime.ImportModuleError",
            f"Unable to import module '{module_name}': {error}",
        )
    elif isinstance(error, AttributeError):
        error_type = "Runtime.HandlerNotFound"
        message = f"Handler '{handler_name}' missing on module '{module_name}'"
    else:
        error_type, message = type(error).__name__, str(error)
    _spt_log_error(error_type, message, [])
    return _SPT_FRAME + _spt_json.dumps(
        {"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": []}
    )


_spt_install_logging()
