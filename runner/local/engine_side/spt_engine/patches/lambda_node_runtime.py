"""AWS Lambda's Node.js runtime: error shapes.

What AWS does: a handler that throws (or rejects, or calls back with an error) answers
`{"errorType": "<Error class>", "errorMessage", "trace": [<stack lines>]}` and logs one event
`<UTC time>Z\\t<request id>\\tERROR\\tInvoke Error \\t{"errorType", "errorMessage", "stack": [...]}`.
What MiniStack 1.5.33 did: typed every error `Runtime.HandlerError` without its trace and logged
the raw stack, one event per line.

Wraps: two anchored call sites of MiniStack's Node.js worker script report the error through
`_sptError`, appended to the script (refuses to start if an anchor moved). Needs
`lambda_python_runtime`, which answers an invoke with the runtime's error, and
`lambda_platform_logs`, which turns the framed record into one event.
"""

from __future__ import annotations

from spt_engine.patches.lambda_platform_logs import RECORD_FRAME

ANCHORS = (
    (
        'status: "error", error: String(err.message || err), trace: err.stack || ""',
        'status: "error", error: String(err.message || err), trace: "", spt_error: _sptError(err, context)',
    ),
    (
        'status: "error", error: e.message, trace: e.stack\n',
        'status: "error", error: e.message, trace: "", spt_error: _sptError(e, context)\n',
    ),
)

# A function declaration: hoisted, so appending it at the end of the script is enough.
HELPER = """
function _sptError(err, context) {
  const error = err instanceof Error ? err : new Error(String(err));
  const stack = String(error.stack || "").split("\\n");
  const errorType = error.name || "Error";
  const line = new Date().toISOString() + "\\t" + ((context && context.awsRequestId) || "") +
    "\\tERROR\\tInvoke Error \\t" + JSON.stringify({ errorType, errorMessage: error.message, stack });
  process.stderr.write(FRAME + JSON.stringify(line) + "\\n");
  return { errorType, errorMessage: error.message, trace: stack };
}
""".replace("FRAME", '"' + RECORD_FRAME.encode("unicode_escape").decode() + '"')


def patched_worker_script(script: str) -> str:
    for theirs, ours in ANCHORS:
        if script.count(theirs) != 1:
            raise RuntimeError(
                f"lambda_node_runtime: MiniStack's Node.js worker script changed near {theirs!r}"
            )
        script = script.replace(theirs, ours)
    return script + HELPER


def apply() -> None:
    from ministack.core import lambda_runtime

    from spt_engine.patches import applied

    if "lambda_python_runtime" not in applied:
        raise RuntimeError(
            "lambda_node_runtime needs lambda_python_runtime: it answers with the runtime's error"
        )
    lambda_runtime._NODEJS_WORKER_SCRIPT = patched_worker_script(lambda_runtime._NODEJS_WORKER_SCRIPT)
