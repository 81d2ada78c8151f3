"""Two PRs of one unmodified CDK app, side by side on one local endpoint, through the CLI: each gets
its own stacks and resources, and destroying one leaves the other whole.

The apps (tests/fixtures/cdk_apps/notes and catalog) never read the per-PR context key: the runner
renames their stacks in the synthesized assembly. `catalog` has two stacks joined by cross-stack
references (deployed data stack first) and a required CloudFormation parameter.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from tests.support.cli import run_cli, runner_env
from tests.support.engine import endpoint_fixture

pytestmark = pytest.mark.e2e
APPS = Path(__file__).parent.parent / "fixtures" / "cdk_apps"


@dataclass(frozen=True)
class AppCase:
    name: str
    prs: tuple[int, int]
    stacks: tuple[str, ...]  # per-PR names, `{pr}` filled in, in deploy order
    extra_args: tuple[str, ...] = ()

    def stack_names(self, pr: int) -> list[str]:
        return [name.format(pr=pr) for name in self.stacks]


NOTES = AppCase("notes", (401, 402), ("notes-pr-{pr}",))
CATALOG = AppCase(
    "catalog",
    (501, 502),
    ("catalog-pr-{pr}-catalogdata", "catalog-pr-{pr}-catalogapi"),
    ("--parameters", "CatalogData:PriceHistoryDays=30"),
)


endpoint = endpoint_fixture("module")


def cli(endpoint, tmp_path, *args):
    # The CDK CLI caches the account of each access key under $CDK_HOME; another local engine on
    # this machine may have answered for the same dummy key with another account.
    env = runner_env(endpoint, None, CDK_HOME=str(tmp_path / "cdk-home"))
    return run_cli([*args, "--endpoint-url", endpoint.url], tmp_path, env, timeout=600)


def client(endpoint, service):
    return boto3.client(service, endpoint_url=endpoint.url, region_name=endpoint.region)


def live_stacks(endpoint, prefix):
    summaries = client(endpoint, "cloudformation").list_stacks()["StackSummaries"]
    return sorted(
        summary["StackName"]
        for summary in summaries
        if summary["StackStatus"] != "DELETE_COMPLETE" and summary["StackName"].startswith(prefix)
    )


def outputs_of(record_path: Path) -> dict[str, str]:
    record = json.loads(record_path.read_text())
    return {key: value for stack in record["stacks"] for key, value in stack["outputs"].items()}


def assert_whole(endpoint, case: AppCase, pr: int, outputs: dict[str, str]) -> None:
    """The PR's stacks are complete and its own resources answer."""
    cloudformation = client(endpoint, "cloudformation")
    for name in case.stack_names(pr):
        [stack] = cloudformation.describe_stacks(StackName=name)["Stacks"]
        assert stack["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), name
    client(endpoint, "lambda").get_function(FunctionName=outputs["FunctionName"])
    client(endpoint, "events").describe_event_bus(Name=outputs["BusName"])
    table = outputs.get("TableName") or outputs["ProductsTableName"]
    client(endpoint, "dynamodb").describe_table(TableName=table)


@pytest.mark.parametrize("case", [NOTES, CATALOG], ids=lambda case: case.name)
def test_two_prs_of_an_unmodified_app_deploy_side_by_side_and_destroy_one_by_one(endpoint, tmp_path, case):
    app = tmp_path / case.name
    shutil.copytree(APPS / case.name, app, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    first, second = case.prs
    outputs = {}
    for pr in case.prs:
        work = tmp_path / f"work-{pr}"
        deployed = cli(
            endpoint, tmp_path, "deploy", str(app), "--pr", str(pr), "--work-dir", str(work), *case.extra_args
        )
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        record = json.loads((work / "deployment.json").read_text())
        assert [stack["name"] for stack in record["stacks"]] == case.stack_names(pr)
        outputs[pr] = outputs_of(work / "deployment.json")

    # Nothing physical is shared: table, function and event bus (a name CDK generated) differ.
    for key in ("FunctionName", "BusName"):
        assert outputs[first][key] != outputs[second][key], key
    assert_whole(endpoint, case, first, outputs[first])
    assert_whole(endpoint, case, second, outputs[second])
    if case is CATALOG:
        assert outputs[first]["HistoryDays"] == "30"  # the parameter reached the data stack

    destroyed = cli(endpoint, tmp_path, "destroy", "--work-dir", str(tmp_path / f"work-{first}"))
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert f"destroyed {len(case.stacks)} stack(s), 0 leftovers" in destroyed.stdout
    assert live_stacks(endpoint, f"{case.name}-pr-{first}") == []
    assert_whole(endpoint, case, second, outputs[second])

    # By PR number, without the record (a closed PR): the renamed stacks are found by their names.
    destroyed = cli(endpoint, tmp_path, "destroy", str(app), "--pr", str(second))
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert f"destroyed {len(case.stacks)} stack(s), 0 leftovers" in destroyed.stdout
    assert live_stacks(endpoint, f"{case.name}-pr-") == []


def test_a_missing_required_parameter_stops_the_deploy_before_anything_is_deployed(endpoint, tmp_path):
    app = tmp_path / "catalog"
    shutil.copytree(APPS / "catalog", app, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    failed = cli(endpoint, tmp_path, "deploy", str(app), "--pr", "503")
    assert failed.returncode == 2, failed.stdout + failed.stderr
    assert failed.stderr.count("Error: ") == 1
    assert "needs a value for its parameter 'PriceHistoryDays'" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert live_stacks(endpoint, "catalog-pr-503") == []


def test_names_every_pr_would_share_stop_the_deploy_before_anything_is_deployed(endpoint, tmp_path):
    app = tmp_path / "hazards"
    shutil.copytree(APPS / "hazards", app, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    failed = cli(endpoint, tmp_path, "deploy", str(app), "--pr", "601")
    assert failed.returncode == 11, failed.stdout + failed.stderr
    assert "error: shared name: hazards-pr-601-storage Storage/Forms (Forms57B7C46A)" in failed.stdout
    assert failed.stderr.count("Error: ") == 1
    assert "nothing was deployed" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert live_stacks(endpoint, "hazards-pr-601") == []
