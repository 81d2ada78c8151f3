"""Two engines side by side: one with every patch, one without the patches under test, so each
patch test shows the AWS behaviour with the patch and its absence without it."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

from runner.aws import AwsTarget
from runner.local import LocalEndpoint
from tests.support.aws import unique, zipped

DISABLE_VARIABLE = "SPT_ENGINE_DISABLE_PATCHES"
LAMBDA_ROLE = "arn:aws:iam::123456789012:role/fidelity-lambda"


def start_engine(disabled: tuple[str, ...] = ()) -> LocalEndpoint:
    """An engine with the named patches left out."""
    if not disabled:
        return LocalEndpoint.start()
    return LocalEndpoint.start(extra_environment={DISABLE_VARIABLE: ",".join(disabled)})


def engines(disabled: tuple[str, ...]) -> Iterator[dict[bool, LocalEndpoint]]:
    patched = start_engine()
    try:
        unpatched = start_engine(disabled)
    except BaseException:
        patched.stop()
        raise
    yield {True: patched, False: unpatched}
    patched.stop()
    unpatched.stop()


def client(engine: LocalEndpoint, service: str) -> Any:
    return AwsTarget(region=engine.region, endpoint_url=engine.url).client(service)


def create_function(
    engine: LocalEndpoint, runtime: str, handler: str, files: dict[str, str], **extra: Any
) -> str:
    name = unique("fidelity-fn")
    client(engine, "lambda").create_function(
        FunctionName=name,
        Runtime=runtime,
        Role=LAMBDA_ROLE,
        Handler=handler,
        Code={"ZipFile": zipped(files)},
        Timeout=30,
        **extra,
    )
    return name


def invoke(engine: LocalEndpoint, name: str, payload: object) -> tuple[dict[str, Any], str | None]:
    """The function's answer and its FunctionError (None when it returned)."""
    response = client(engine, "lambda").invoke(FunctionName=name, Payload=json.dumps(payload).encode())
    return json.loads(response["Payload"].read() or b"null"), response.get("FunctionError")


def deploy_template(engine: LocalEndpoint, template: dict[str, Any], **extra: Any) -> dict[str, str]:
    """Create a stack from a raw template, wait for it, return its outputs."""
    cloudformation = client(engine, "cloudformation")
    name = unique("fidelity-stack")
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template), **extra)
    cloudformation.get_waiter("stack_create_complete").wait(
        StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
    )
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}
    return {"StackName": name, **outputs}


def worker_processes(engine: LocalEndpoint, function_name: str) -> list[str]:
    """Command lines of the engine's Lambda workers for one function (they live in its group)."""
    listing = subprocess.run(
        ["ps", "-ww", "-eo", "pgid=,args="], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for line in listing.splitlines():
        pgid, _, args = line.strip().partition(" ")
        if pgid == str(engine.pid) and function_name in args and "_worker" in args:
            found.append(args)
    return found
