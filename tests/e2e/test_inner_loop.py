"""The inner loop end to end on a real engine: `dev` sees a test edit, a handler edit and a stack
edit in a copy of an app take effect (its --max-cycles exit destroys); `run` reuses the engine's
bootstrap and the previous synth, and `--keep` leaves the stack for the next run."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from runner.aws import AwsTarget
from runner.errors import PortInUseError
from runner.local import LocalEndpoint
from tests.support.cli import run_cli, runner_env
from tests.support.engine import endpoint_fixture

pytestmark = pytest.mark.e2e
FIXTURE_APP = Path(__file__).parent.parent / "fixtures" / "cdk_apps" / "devloop"
CYCLE_TIMEOUT = 300.0


class LiveOutput:
    """The lines of a running process as they arrive, waited for by pattern with a deadline."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, pattern: str, timeout: float = CYCLE_TIMEOUT) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"no line matching {pattern!r}; output:\n" + "\n".join(self.lines[-80:]))


endpoint = endpoint_fixture("function")


def test_dev_reruns_edited_tests_hot_swaps_handlers_and_redeploys_the_stack(endpoint, tmp_path):
    app = tmp_path / "greeter"
    shutil.copytree(FIXTURE_APP, app, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "SPT_"))}
    env["PYTHONUNBUFFERED"] = "1"
    target = AwsTarget(region=endpoint.region, endpoint_url=endpoint.url)
    stacks, lambdas = target.client("cloudformation"), target.client("lambda")
    process = subprocess.Popen(
        [sys.executable, "-m", "runner", "dev", str(app), "--endpoint-url", endpoint.url,
         "--work-dir", str(tmp_path / "work"), "--max-cycles", "3", "--idle-timeout", "600"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output = LiveOutput(process)
    try:
        output.wait_for(r"^cycle 0: first deploy -> deployed greeter-local .*1 test\(s\) passed")

        def outputs() -> dict[str, str]:
            [stack] = stacks.describe_stacks(StackName="greeter-local")["Stacks"]
            return {item["OutputKey"]: item["OutputValue"] for item in stack["Outputs"]}

        function_name = outputs()["FunctionName"]
        output.wait_for(r"^Watching ")

        test_file = app / "tests" / "test_greeter.py"
        test_file.write_text(test_file.read_text() + "\n\ndef test_added_while_watching():\n    pass\n")
        cycle = output.wait_for(r"^cycle 1: (.*)$").group(1)
        assert cycle.startswith("tests change (tests/test_greeter.py) -> reran tests/test_greeter.py")
        assert "2 test(s) passed" in cycle

        output.wait_for(r"^Watching ")
        (app / "handler" / "index.py").write_text(
            'VERSION = "2"\n\n\ndef handler(event, context):\n    return {"version": VERSION}\n'
        )
        cycle = output.wait_for(r"^cycle 2: (.*)$").group(1)
        assert cycle.startswith("handler change (handler/index.py) -> updated the code of 1 function(s)")
        assert "2 test(s) passed" in cycle
        answer = json.loads(lambdas.invoke(FunctionName=function_name)["Payload"].read())
        assert answer == {"version": "2"}

        output.wait_for(r"^Watching ")
        app_file = app / "app.py"
        app_file.write_text(app_file.read_text().replace('GREETING = "hello"', 'GREETING = "hej"'))
        cycle = output.wait_for(r"^cycle 3: (.*)$").group(1)
        assert cycle.startswith("infrastructure change (app.py) -> deployed greeter-local")
        assert outputs()["Greeting"] == "hej"
        # The redeploy carries the hot-swapped code too: no step back to version 1.
        answer = json.loads(lambdas.invoke(FunctionName=outputs()["FunctionName"])["Payload"].read())
        assert answer == {"version": "2"}

        output.wait_for(r"destroyed 1 stack\(s\), 0 leftovers")
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    live = [
        summary["StackName"]
        for summary in stacks.list_stacks()["StackSummaries"]
        if summary["StackStatus"] != "DELETE_COMPLETE" and summary["StackName"] == "greeter-local"
    ]
    assert live == []


def test_run_reuses_the_engine_bootstrap_and_synth_and_keep_leaves_the_stack(endpoint, tmp_path):
    app = tmp_path / "greeter"
    shutil.copytree(FIXTURE_APP, app, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    env = runner_env(endpoint, None)

    def run(*extra: str) -> str:
        completed = run_cli(
            ["run", str(app), "--endpoint-url", endpoint.url, *extra], tmp_path, env, timeout=CYCLE_TIMEOUT
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        return completed.stdout

    first = run("--keep")
    assert "Bootstrapping the local endpoint" in first
    assert "Kept greeter-local (--keep) for the next run" in first
    assert "Reusing the previous synth" not in first
    target = AwsTarget(region=endpoint.region, endpoint_url=endpoint.url)
    [kept] = target.client("cloudformation").describe_stacks(StackName="greeter-local")["Stacks"]
    assert kept["StackStatus"] == "CREATE_COMPLETE"

    second = run()
    assert "Bootstrapping" not in second
    assert "Reusing the previous synth" in second
    assert "1 passed" in second
    assert "destroyed 1 stack(s), 0 leftovers" in second

    (app / "app.py").write_text((app / "app.py").read_text().replace("hello", "hej"))
    third = run()  # a changed source: synthesized again
    assert "Reusing the previous synth" not in third
    assert "Greeting = hej" in third


def test_a_run_without_a_port_reuses_a_healthy_engine_on_4566():
    from runner.local.endpoint import DEFAULT_URL, is_healthy
    from runner.local.engine_choice import local_engine

    own = None
    if not is_healthy(DEFAULT_URL):
        try:
            own = LocalEndpoint.start(port=4566)
        except PortInUseError:
            pytest.skip("port 4566 is taken by something that is not an engine")
    try:
        before = dict(os.environ)
        with local_engine(0, "us-east-1", "none") as (url, started):
            assert (url, started) == (DEFAULT_URL, False)
            assert dict(os.environ) == before  # pointing the process at it is runner.aws.export_target's job
    finally:
        if own is not None:
            own.stop()
