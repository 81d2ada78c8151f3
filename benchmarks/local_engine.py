"""The embedded local engine, measured in one run: start-up, idle memory, Lambda invokes (Python and
Node.js, warm and cold), an API Gateway request, a 3-state Step Functions workflow, and the processes
left after everything is deleted and the engine stopped (no leaked workers).

    python benchmarks/local_engine.py [--calls 40]

Prints a table, then one JSON line. Figures are this machine's; the ratios (cold/warm, API request
over a direct invoke) are what carries to another machine.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from runner.local import LocalEndpoint
from runner.local.endpoint import DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY, process_group_members

PYTHON = "def handler(event, context):\n    return {'statusCode': 200, 'body': 'ok'}\n"
NODE = "exports.handler = async () => ({ statusCode: 200, body: 'ok' });\n"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


_clients: dict[tuple[str, str], Any] = {}


def _client(endpoint: LocalEndpoint, service: str) -> Any:
    """One client per service and engine: creating one costs more than a warm invoke."""
    key = (endpoint.url, service)
    if key not in _clients:
        _clients[key] = _new_client(endpoint, service)
    return _clients[key]


def _new_client(endpoint: LocalEndpoint, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint.url,
        region_name=endpoint.region,
        aws_access_key_id=DUMMY_ACCESS_KEY,
        aws_secret_access_key=DUMMY_SECRET_KEY,
        # StartSyncExecution's `sync-` host prefix names no host on this machine.
        config=Config(inject_host_prefix=False),
    )


def _zip(name: str, source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, source)
    return buffer.getvalue()


def _rss_mib(pids: list[int]) -> float:
    total_kib = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total_kib += int(line.split()[1])
    return total_kib / 1024


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _function(endpoint: LocalEndpoint, role: str, runtime: str, file: str, source: str) -> str:
    name = f"bench-{runtime.replace('.', '')}-{uuid.uuid4().hex[:6]}"
    _client(endpoint, "lambda").create_function(
        FunctionName=name,
        Runtime=runtime,
        Role=role,
        Handler=file.split(".")[0] + ".handler",
        Code={"ZipFile": _zip(file, source)},
    )
    return name


def _invoke_ms(endpoint: LocalEndpoint, name: str) -> float:
    started = time.perf_counter()
    response = _client(endpoint, "lambda").invoke(FunctionName=name, Payload=b"{}")
    response["Payload"].read()
    assert "FunctionError" not in response, response
    return (time.perf_counter() - started) * 1000


def _cold_ms(endpoint: LocalEndpoint, name: str, rounds: int) -> list[float]:
    """Each round changes the configuration, which retires the warm environment (as on AWS)."""
    lam = _client(endpoint, "lambda")
    samples = []
    for index in range(rounds):
        lam.update_function_configuration(FunctionName=name, Environment={"Variables": {"ROUND": str(index)}})
        samples.append(_invoke_ms(endpoint, name))
    return samples


def _api_ms(endpoint: LocalEndpoint, function_name: str, calls: int) -> list[float]:
    apigw, lam = _client(endpoint, "apigateway"), _client(endpoint, "lambda")
    api = apigw.create_rest_api(name=f"bench-{uuid.uuid4().hex[:6]}")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    resource = apigw.create_resource(restApiId=api, parentId=root, pathPart="ping")["id"]
    apigw.put_method(restApiId=api, resourceId=resource, httpMethod="GET", authorizationType="NONE")
    arn = lam.get_function(FunctionName=function_name)["Configuration"]["FunctionArn"]
    apigw.put_integration(
        restApiId=api,
        resourceId=resource,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{endpoint.region}:lambda:path/2015-03-31/functions/{arn}/invocations",
    )
    apigw.create_deployment(restApiId=api, stageName="prod")
    url = f"{endpoint.url}/_aws/execute-api/{api}/prod/ping"
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.read() == b"ok"
        samples.append((time.perf_counter() - started) * 1000)
    apigw.delete_rest_api(restApiId=api)
    return samples


def _workflow_ms(endpoint: LocalEndpoint, function_arn: str, runs: int) -> list[float]:
    sfn = _client(endpoint, "stepfunctions")
    definition = {
        "StartAt": "Invoke",
        "States": {
            "Invoke": {"Type": "Task", "Resource": function_arn, "Next": "Check"},
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.statusCode", "NumericEquals": 200, "Next": "Done"}],
                "Default": "Done",
            },
            "Done": {"Type": "Pass", "End": True},
        },
    }
    machine = sfn.create_state_machine(
        name=f"bench-{uuid.uuid4().hex[:6]}",
        definition=json.dumps(definition),
        roleArn=f"arn:aws:iam::{DUMMY_ACCESS_KEY}:role/sfn",
        type="EXPRESS",
    )["stateMachineArn"]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = sfn.start_sync_execution(stateMachineArn=machine, input="{}")
        assert result["status"] == "SUCCEEDED", result
        samples.append((time.perf_counter() - started) * 1000)
    sfn.delete_state_machine(stateMachineArn=machine)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()

    LocalEndpoint.start().stop()  # installs the engine once, outside the measurement
    started = time.perf_counter()
    endpoint = LocalEndpoint.start()
    start_ms = (time.perf_counter() - started) * 1000
    try:
        results = _measure(endpoint, start_ms, args.calls)
    finally:
        endpoint.stop()
    width = max(len(key) for key in results)
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(results, sort_keys=True))


def _measure(endpoint: LocalEndpoint, start_ms: float, calls: int) -> dict[str, Any]:
    assert endpoint.pid is not None
    idle_mib = _rss_mib([endpoint.pid])
    iam = _client(endpoint, "iam")
    role = iam.create_role(
        RoleName=f"bench-{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument=json.dumps(TRUST)
    )
    role_arn = role["Role"]["Arn"]
    python = _function(endpoint, role_arn, "python3.12", "index.py", PYTHON)
    node = _function(endpoint, role_arn, "nodejs20.x", "index.js", NODE)
    results: dict[str, Any] = {"start_ms": round(start_ms, 1), "idle_rss_mib": round(idle_mib, 1)}
    for label, name in (("python", python), ("node", node)):
        cold = _cold_ms(endpoint, name, rounds=5)
        _invoke_ms(endpoint, name)
        warm = [_invoke_ms(endpoint, name) for _ in range(calls)]
        results[f"{label}_warm_p50_ms"] = round(statistics.median(warm), 1)
        results[f"{label}_warm_p99_ms"] = round(_percentile(warm, 0.99), 1)
        results[f"{label}_cold_p50_ms"] = round(statistics.median(cold), 1)
        results[f"{label}_cold_over_warm"] = round(statistics.median(cold) / statistics.median(warm), 1)
    api = _api_ms(endpoint, python, calls)
    results["api_request_p50_ms"] = round(statistics.median(api), 1)
    results["api_over_direct_invoke"] = round(statistics.median(api) / results["python_warm_p50_ms"], 2)
    arn = _client(endpoint, "lambda").get_function(FunctionName=python)["Configuration"]["FunctionArn"]
    workflow = _workflow_ms(endpoint, arn, runs=max(5, calls // 4))
    results["workflow_3_states_p50_ms"] = round(statistics.median(workflow), 1)
    workers = [pid for pid in process_group_members(endpoint.pid) if pid != endpoint.pid]
    results["workers_with_functions"] = len(workers)
    for name in (python, node):
        _client(endpoint, "lambda").delete_function(FunctionName=name)
    time.sleep(1.0)  # the engine reaps a deleted function's workers on its own thread
    results["workers_after_delete"] = len(
        [p for p in process_group_members(endpoint.pid) if p != endpoint.pid]
    )
    endpoint.stop()
    # Any process still running code unpacked under this engine's scratch directory is a leak,
    # whatever process group it moved to.
    results["workers_after_stop"] = len(_processes_mentioning(f"spt-engine-{endpoint.port}-"))

    return results


if __name__ == "__main__":
    main()
