import json

import pytest

from runner.errors import ConfigError
from runner.record import DeployedStack, DeploymentRecord
from runner.shards.test_env import environment_for_tests, output_variable


def make_record(endpoint_url="http://localhost:4566"):
    return DeploymentRecord(
        repository="org/shop",
        pr_number=7,
        commit="abc",
        run_id="local-1",
        region="eu-west-1",
        endpoint_url=endpoint_url,
        stacks=(
            DeployedStack("shop-pr-7-data", "CREATE_COMPLETE", {"TableName": "t1", "Url": "u1"}),
            DeployedStack("shop-pr-7", "UPDATE_COMPLETE", {"Url": "u2"}, ("shop-pr-7-data",)),
        ),
        tags={"k": "v"},
        deployed_at="2026-01-01T00:00:00Z",
        duration_seconds=3.5,
    )


def test_record_round_trips_through_json(tmp_path):
    path = tmp_path / "deployment.json"
    make_record().write(path)
    assert DeploymentRecord.read(path) == make_record()


def test_output_keys_two_stacks_share_are_qualified_by_stack_name():
    outputs = make_record().merged_outputs()
    assert outputs == {"TableName": "t1", "shop-pr-7-data.Url": "u1", "shop-pr-7.Url": "u2"}


def test_missing_and_corrupt_records_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        DeploymentRecord.read(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ConfigError, match="unreadable"):
        DeploymentRecord.read(tmp_path / "bad.json")
    (tmp_path / "old.json").write_text(json.dumps({"version": 99}))
    with pytest.raises(ConfigError, match="unknown format"):
        DeploymentRecord.read(tmp_path / "old.json")


@pytest.mark.parametrize(
    ("key", "variable"),
    [
        ("InventoryTableName", "SPT_OUTPUT_INVENTORY_TABLE_NAME"),
        ("shop-pr-7.Url", "SPT_OUTPUT_SHOP_PR_7_URL"),
        ("APIUrl", "SPT_OUTPUT_APIURL"),
    ],
)
def test_output_variables_are_upper_snake_case(key, variable):
    assert output_variable(key) == variable


def test_test_environment_writes_outputs_file_and_one_variable_per_output(tmp_path):
    env = environment_for_tests(
        make_record(), tmp_path / "deployment.json", tmp_path / "out" / "outputs.json"
    )
    assert json.loads((tmp_path / "out" / "outputs.json").read_text())["TableName"] == "t1"
    assert env["SPT_OUTPUT_TABLE_NAME"] == "t1"
    assert env["SPT_OUTPUT_SHOP_PR_7_URL"] == "u2"
    assert env["AWS_ENDPOINT_URL"] == "http://localhost:4566"
    assert env["AWS_REGION"] == "eu-west-1"
    assert env["SPT_RUN_ID"] == "local-1"
