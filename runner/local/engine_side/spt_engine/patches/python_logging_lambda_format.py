"""Python `logging` output reaches the function's log, in the Lambda format.

AWS: the Python runtime puts a handler on the root logger before importing the handler module, so
`logging.getLogger().setLevel(logging.INFO); logger.info("x")` writes
`[INFO]\t2026-12-07T01:02:03.456Z\t<request id>\tx` to the function's log stream.
MiniStack: its Python worker installs no handler, so only WARNING and above reach the log (through
Python's last-resort handler, as bare messages) and INFO is lost.
Wraps: the Python worker bootstrap gets that root handler (writing to the worker's log channel) and
sets the request id per invocation (string edits of the bootstrap source, checked at apply).
"""

from __future__ import annotations

BEFORE_IMPORT = "    _ms_install_invoke_depth()\n    try:\n        mod = importlib.import_module(module_name)"
BEFORE_HANDLER = "        try:\n            result = handler_fn(event, context)"

ROOT_HANDLER = """    import logging as _spt_logging
    _spt_request_id = [""]

    class _SptRequestId(_spt_logging.Filter):
        def filter(self, record):
            record.aws_request_id = _spt_request_id[0]
            return True

    _spt_handler = _spt_logging.StreamHandler(sys.stderr)
    _spt_format = _spt_logging.Formatter(
        "[%(levelname)s]\\t%(asctime)s.%(msecs)03dZ\\t%(aws_request_id)s\\t%(message)s", "%Y-%m-%dT%H:%M:%S"
    )
    _spt_format.converter = time.gmtime
    _spt_handler.setFormatter(_spt_format)
    _spt_handler.addFilter(_SptRequestId())
    _spt_logging.getLogger().addHandler(_spt_handler)
"""
SET_REQUEST_ID = '        _spt_request_id[0] = _ms_ctx.get("request_id", "")\n'


def apply() -> None:
    from ministack.core import lambda_runtime

    script: str = lambda_runtime._PYTHON_WORKER_SCRIPT
    for anchor in (BEFORE_IMPORT, BEFORE_HANDLER):
        if script.count(anchor) != 1:
            raise RuntimeError(
                "python_logging_lambda_format: the Python worker bootstrap changed; review this patch"
            )
    script = script.replace(BEFORE_IMPORT, ROOT_HANDLER + BEFORE_IMPORT)
    script = script.replace(BEFORE_HANDLER, SET_REQUEST_ID + BEFORE_HANDLER)
    lambda_runtime._PYTHON_WORKER_SCRIPT = script
