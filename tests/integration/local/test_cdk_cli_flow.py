"""The real, pinned CDK CLI against the embedded endpoint: bootstrap, deploy, update, no-op deploy, destroy.

The fixture app (tests/fixtures/cdk_apps/serverless_app) is synthesized once per session; the
update deploys a copy of that cloud assembly whose Lambda code asset changed (new content, new
asset hash, new template hash), which is exactly what a re-synth after a code edit produces,
without paying for a second synth.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest

from runner.local import LocalEndpoint
from tests.support.aws import engine_client
from tests.support.engine import endpoint_fixture

REPO = Path(__file__).resolve().parents[3]
CDK = REPO / "node_modules" / ".bin" / "cdk"
APP_DIR = REPO / "tests" / "fixtures" / "cdk_apps" / "serverless_app"
ENVIRONMENT = "aws://123456789012/us-east-1"
TOOLKIT_STACK = "CDKToolkit"
EXPECTED_OUTPUTS = {
    "TableName",
    "FunctionName",
    "BusName",
    "EventsQueueUrl",
    "TopicArn",
    "TopicQueueUrl",
    "BucketName",
}

pytestmark = pytest.mark.skipif(
    not CDK.exists(), reason="pinned CDK CLI not installed (npm ci at the repo root)"
)


def cli_environment(endpoint: LocalEndpoint | None = None) -> dict[str, str]:
    """What the CDK CLI needs here: the endpoint, the venv's python first (app: `python3 app.py`),
    and the switches that keep it offline and quiet."""
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CDK_DISABLE_VERSION_CHECK": "1",
        "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED": "true",
    }
    if endpoint is not None:
        environment.update(endpoint.env())
    return environment


def run_cdk(
    arguments: list[str], cwd: Path, environment: dict[str, str], *, expect_failure: bool = False
) -> tuple[str, float]:
    started = time.monotonic()
    completed = subprocess.run(
        [str(CDK), *arguments, "--no-notices"],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    elapsed = time.monotonic() - started
    output = completed.stdout + completed.stderr
    if expect_failure:
        assert completed.returncode != 0, f"cdk {' '.join(arguments)} succeeded unexpectedly:\n{output}"
    else:
        assert completed.returncode == 0, f"cdk {' '.join(arguments)} failed:\n{output}"
    return output, elapsed


@pytest.fixture(scope="session")
def stack_name() -> str:
    return f"fixture-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def assembly(tmp_path_factory: pytest.TempPathFactory, stack_name: str) -> Path:
    """The fixture app synthesized once (the expensive step: ~6-12 s)."""
    out = tmp_path_factory.mktemp("cdk") / "cdk.out"
    run_cdk(
        ["synth", "--quiet", "-c", f"stack-name={stack_name}", "-o", str(out)], APP_DIR, cli_environment()
    )
    return out


def assembly_with_new_code(source: Path, target: Path, stack_name: str, handler_source: str) -> Path:
    """Copy of `source` whose Lambda code asset holds `handler_source`, re-hashed like a re-synth."""
    shutil.copytree(source, target)
    shutil.rmtree(target / ".cache", ignore_errors=True)
    (old_code_dir,) = target.glob("asset.*")
    new_code_hash = hashlib.sha256(handler_source.encode()).hexdigest()
    new_code_dir = target / f"asset.{new_code_hash}"
    old_code_dir.rename(new_code_dir)
    (new_code_dir / "handler.py").write_text(handler_source)
    _replace_in_files(target, old_code_dir.name.removeprefix("asset."), new_code_hash)
    # The template changed (new S3Key), so its own asset hash changes too.
    template = target / f"{stack_name}.template.json"
    assets = json.loads((target / f"{stack_name}.assets.json").read_text())
    old_template_hash = next(
        asset_id for asset_id, asset in assets["files"].items() if asset["source"]["path"] == template.name
    )
    _replace_in_files(target, old_template_hash, hashlib.sha256(template.read_bytes()).hexdigest())
    return target


def assembly_with_missing_code(source: Path, target: Path, stack_name: str) -> Path:
    """Copy of `source` whose function points at a code object nobody uploaded: CreateFunction fails."""
    shutil.copytree(source, target)
    template = target / f"{stack_name}.template.json"
    (code_dir,) = target.glob("asset.*")
    old_template_hash = hashlib.sha256(template.read_bytes()).hexdigest()
    template.write_text(
        template.read_text().replace(f"{code_dir.name.removeprefix('asset.')}.zip", "missing.zip")
    )
    _replace_in_files(target, old_template_hash, hashlib.sha256(template.read_bytes()).hexdigest())
    return target


def _replace_in_files(directory: Path, old: str, new: str) -> None:
    for path in directory.glob("*.json"):
        text = path.read_text()
        if old in text:
            path.write_text(text.replace(old, new))


cdk_endpoint = endpoint_fixture("function", name="cdk_endpoint")


def _stack(endpoint: LocalEndpoint, name_or_id: str) -> dict[str, Any]:
    return dict(engine_client(endpoint, "cloudformation").describe_stacks(StackName=name_or_id)["Stacks"][0])


def _outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs") or []}


def _deployed_code(endpoint: LocalEndpoint, stack_name: str, function_name: str) -> tuple[str, bytes]:
    """The function's CodeSha256 and the asset zip the CLI uploaded for the template's S3Key."""
    sha = engine_client(endpoint, "lambda").get_function(FunctionName=function_name)["Configuration"][
        "CodeSha256"
    ]
    body = engine_client(endpoint, "cloudformation").get_template(StackName=stack_name)["TemplateBody"]
    template = body if isinstance(body, dict) else json.loads(body)
    function = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function")
    bucket = f"cdk-hnb659fds-assets-123456789012-{endpoint.region}"
    key = function["Properties"]["Code"]["S3Key"]
    asset = engine_client(endpoint, "s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    return str(sha), bytes(asset)


def test_cdk_cli_bootstraps_deploys_updates_and_destroys_the_serverless_app(
    cdk_endpoint: LocalEndpoint, assembly: Path, stack_name: str, tmp_path: Path
) -> None:
    environment = cli_environment(cdk_endpoint)
    timings: dict[str, float] = {}

    # Bootstrap from a directory without cdk.json: inside the app, the CLI would synth first.
    _, timings["bootstrap"] = run_cdk(["bootstrap", ENVIRONMENT], tmp_path, environment)
    toolkit = _stack(cdk_endpoint, TOOLKIT_STACK)
    assert toolkit["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE")
    assert _outputs(toolkit)["BucketName"] == "cdk-hnb659fds-assets-123456789012-us-east-1"

    deploy = ["deploy", "--require-approval", "never", "-a"]
    outputs_file = tmp_path / "outputs.json"
    tags = ["--tags", "spt:pr=88", "--tags", "spt:managed=true"]
    _, timings["deploy"] = run_cdk(
        [*deploy, str(assembly), "--outputs-file", str(outputs_file), *tags], APP_DIR, environment
    )
    stack = _stack(cdk_endpoint, stack_name)
    stack_id = stack["StackId"]
    outputs = _outputs(stack)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert set(outputs) == EXPECTED_OUTPUTS
    assert json.loads(outputs_file.read_text()) == {stack_name: outputs}
    sns = engine_client(cdk_endpoint, "sns")
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=outputs["TopicArn"])["Subscriptions"]
    assert [s["Protocol"] for s in subscriptions] == ["sqs"]
    rules = engine_client(cdk_endpoint, "events").list_rules(EventBusName=outputs["BusName"])["Rules"]
    assert len(rules) == 1
    assert {"Key": "spt:pr", "Value": "88"} in stack["Tags"]
    tagged = engine_client(cdk_endpoint, "resourcegroupstaggingapi").get_resources(
        TagFilters=[
            {"Key": "aws:cloudformation:stack-name", "Values": [stack_name]},
            {"Key": "spt:pr", "Values": ["88"]},
        ]
    )["ResourceTagMappingList"]
    tagged_services = {mapping["ResourceARN"].split(":")[2] for mapping in tagged}
    assert tagged_services >= {"lambda", "dynamodb", "sqs", "sns", "s3", "events"}
    first_sha, first_zip = _deployed_code(cdk_endpoint, stack_name, outputs["FunctionName"])
    assert first_sha == base64.b64encode(hashlib.sha256(first_zip).digest()).decode()

    new_source = (APP_DIR / "lambda_src" / "handler.py").read_text().replace("VERSION = 1", "VERSION = 2")
    updated = assembly_with_new_code(assembly, tmp_path / "cdk.out.v2", stack_name, new_source)
    # `cdk diff` reads a change set by default; it must see the new code asset.
    diff, timings["diff"] = run_cdk(["diff", "-a", str(updated)], APP_DIR, environment)
    assert "[~] AWS::Lambda::Function" in diff
    assert "S3Key" in diff
    _, timings["update"] = run_cdk([*deploy, str(updated), *tags], APP_DIR, environment)
    stack = _stack(cdk_endpoint, stack_name)
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    assert _outputs(stack) == outputs  # nothing was replaced
    second_sha, second_zip = _deployed_code(cdk_endpoint, stack_name, outputs["FunctionName"])
    assert second_sha != first_sha
    assert second_sha == base64.b64encode(hashlib.sha256(second_zip).digest()).decode()
    with zipfile.ZipFile(io.BytesIO(second_zip)) as archive:
        assert archive.read("handler.py").decode() == new_source
    assert sns.list_subscriptions_by_topic(TopicArn=outputs["TopicArn"])["Subscriptions"] == subscriptions

    output, timings["no-change deploy"] = run_cdk([*deploy, str(updated), *tags], APP_DIR, environment)
    assert "(no changes)" in output
    assert _stack(cdk_endpoint, stack_name)["StackStatus"] == "UPDATE_COMPLETE"

    _, timings["destroy"] = run_cdk(["destroy", "--force", "-a", str(updated)], APP_DIR, environment)
    assert _stack(cdk_endpoint, stack_id)["StackStatus"] == "DELETE_COMPLETE"
    _assert_nothing_left(cdk_endpoint, stack_name, outputs)
    print("CDK CLI timings (s):", {step: round(seconds, 1) for step, seconds in timings.items()})


def _assert_nothing_left(endpoint: LocalEndpoint, stack_name: str, outputs: dict[str, str]) -> None:
    function_names = [
        f["FunctionName"] for f in engine_client(endpoint, "lambda").list_functions()["Functions"]
    ]
    assert outputs["FunctionName"] not in function_names
    assert outputs["TableName"] not in engine_client(endpoint, "dynamodb").list_tables()["TableNames"]
    queue_urls = engine_client(endpoint, "sqs").list_queues().get("QueueUrls", [])
    queue_names = {url.rsplit("/", 1)[-1] for url in queue_urls}
    for key in ("EventsQueueUrl", "TopicQueueUrl"):
        assert outputs[key].rsplit("/", 1)[-1] not in queue_names
    topics = [t["TopicArn"] for t in engine_client(endpoint, "sns").list_topics()["Topics"]]
    assert outputs["TopicArn"] not in topics
    buses = [b["Name"] for b in engine_client(endpoint, "events").list_event_buses()["EventBuses"]]
    assert outputs["BusName"] not in buses
    buckets = [b["Name"] for b in engine_client(endpoint, "s3").list_buckets()["Buckets"]]
    assert outputs["BucketName"] not in buckets
    roles = [r["RoleName"] for r in engine_client(endpoint, "iam").list_roles()["Roles"]]
    assert not [role for role in roles if role.startswith(stack_name)]


def test_cdk_cli_reports_a_failed_deploy_and_recovers_on_the_next(
    cdk_endpoint: LocalEndpoint, assembly: Path, stack_name: str, tmp_path: Path
) -> None:
    environment = cli_environment(cdk_endpoint)
    run_cdk(["bootstrap", ENVIRONMENT], tmp_path, environment)
    broken = assembly_with_missing_code(assembly, tmp_path / "cdk.out.broken", stack_name)
    deploy = ["deploy", "--require-approval", "never", "-a"]
    engine_client(cdk_endpoint, "cloudformation").delete_stack(StackName=stack_name)  # whatever a test left
    try:
        output, _ = run_cdk([*deploy, str(broken)], APP_DIR, environment, expect_failure=True)
        assert "ROLLBACK_COMPLETE" in output
        assert "CREATE_FAILED" in output
        assert _stack(cdk_endpoint, stack_name)["StackStatus"] == "ROLLBACK_COMPLETE"
        failed = [
            event
            for event in engine_client(cdk_endpoint, "cloudformation").describe_stack_events(
                StackName=stack_name
            )["StackEvents"]
            if event["ResourceStatus"] == "CREATE_FAILED"
        ]
        assert [event["ResourceType"] for event in failed] == ["AWS::Lambda::Function"]

        # The CLI deletes a ROLLBACK_COMPLETE stack before creating it again.
        run_cdk([*deploy, str(assembly)], APP_DIR, environment)
        stack = _stack(cdk_endpoint, stack_name)
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        assert set(_outputs(stack)) == EXPECTED_OUTPUTS
    finally:
        engine_client(cdk_endpoint, "cloudformation").delete_stack(StackName=stack_name)
