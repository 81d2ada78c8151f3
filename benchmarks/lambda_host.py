"""Invoke latency of the host-process Lambda runtime, in one run: warm worker vs cold start vs a fresh
Python subprocess per call (the simplest host-process design, which DESIGN.md measured at ~36 ms).

A no-op handler shows the runtime's own overhead (Invoke over HTTP + pipes, and a worker start).
The main comparison runs a handler that does one S3 call back into the endpoint (as real handlers
do) after a module-level `import boto3`:

- warm: the same execution environment serves call after call (the module is imported once);
- cold: UpdateFunctionConfiguration before each call retires the environment, so every call pays
  the worker start and the INIT phase (the handler's imports);
- per_call_subprocess: the runtime's worker pool is bypassed by spawning `python -c` that imports
  the handler and calls it once, i.e. what a cold start costs without the endpoint round trip.

    python benchmarks/lambda_host.py [--calls 30]

Last line: one JSON object with the medians (ms) and the ratios.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import boto3

from runner.local import LocalEndpoint

NOOP = "def handler(event, context):\n    return 1\n"
HANDLER = """
import boto3

s3 = boto3.client("s3")

def handler(event, context):
    return len(s3.list_buckets()["Buckets"])
"""
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def _client(endpoint: LocalEndpoint, service: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        service,
        endpoint_url=endpoint.url,
        region_name=endpoint.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _timed(call) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _warm_and_cold(lambda_client, name: str, calls: int) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    def invoke() -> None:
        response = lambda_client.invoke(FunctionName=name, Payload=b"{}")
        assert "FunctionError" not in response, response["Payload"].read()

    invoke()  # first environment, and boto3's own client warm-up, out of the measurement
    warm = [_timed(invoke) for _ in range(calls)]
    cold = []
    for index in range(calls):
        # A configuration change retires the environment, so the next call is a cold start.
        lambda_client.update_function_configuration(
            FunctionName=name, Environment={"Variables": {"ROUND": str(index)}}
        )
        cold.append(_timed(invoke))
    return warm, cold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=30)
    calls = parser.parse_args().calls
    endpoint = LocalEndpoint.start()
    try:
        lambda_client = _client(endpoint, "lambda")
        role = _client(endpoint, "iam").create_role(
            RoleName="bench", AssumeRolePolicyDocument=json.dumps(TRUST)
        )
        measured = {}
        for name, source in (("noop", NOOP), ("bench", HANDLER)):
            archive = io.BytesIO()
            with zipfile.ZipFile(archive, "w") as bundle:
                bundle.writestr("app.py", source)
            lambda_client.create_function(
                FunctionName=name,
                Runtime="python3.12",
                Role=role["Role"]["Arn"],
                Handler="app.handler",
                Code={"ZipFile": archive.getvalue()},
            )
            measured[name] = _warm_and_cold(lambda_client, name, calls)
        warm, cold = measured["bench"]

        with tempfile.TemporaryDirectory() as code_dir:
            Path(code_dir, "app.py").write_text(HANDLER)
            env = {**endpoint.env(), "PATH": "/usr/bin:/bin"}
            script = "import app, json; print(json.dumps(app.handler({}, None)))"
            per_call = [
                _timed(
                    lambda: subprocess.run(
                        [sys.executable, "-c", script], cwd=code_dir, env=env, check=True, capture_output=True
                    )
                )
                for _ in range(calls)
            ]
    finally:
        endpoint.stop()

    result = {
        "calls": calls,
        "noop_warm_ms": round(statistics.median(measured["noop"][0]), 1),
        "noop_cold_ms": round(statistics.median(measured["noop"][1]), 1),
        "warm_ms": round(statistics.median(warm), 1),
        "cold_ms": round(statistics.median(cold), 1),
        "per_call_subprocess_ms": round(statistics.median(per_call), 1),
    }
    result["cold_over_warm"] = round(result["cold_ms"] / result["warm_ms"], 1)
    result["per_call_subprocess_over_warm"] = round(result["per_call_subprocess_ms"] / result["warm_ms"], 1)
    print(f"no-op handler, warm invoke:   {result['noop_warm_ms']} ms (median of {calls})")
    print(f"no-op handler, cold start:    {result['noop_cold_ms']} ms")
    print(f"boto3 handler, warm invoke:   {result['warm_ms']} ms")
    print(f"boto3 handler, cold start:    {result['cold_ms']} ms")
    print(f"fresh subprocess per call:    {result['per_call_subprocess_ms']} ms (no endpoint round trip)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
