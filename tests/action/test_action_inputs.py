"""runner.cli.action_inputs: the action's INPUT_* variables become one runner command line, as data."""

from __future__ import annotations

import json

import pytest
import yaml

from runner.cli.action_inputs import ActionCommand, ActionInputs, env_name
from runner.errors import ConfigError

from .conftest import REPO_ROOT


def argv(tmp_path, **inputs):
    env = {env_name(name.replace("_", "-")): value for name, value in inputs.items()}
    return ActionInputs.from_env(env, tmp_path).command_line()


def test_input_names_map_like_actions_core():
    assert env_name("app-directory") == "INPUT_APP_DIRECTORY"
    assert env_name("pytest-args") == "INPUT_PYTEST_ARGS"


def test_the_command_input_offers_exactly_the_runner_commands():
    description = yaml.safe_load((REPO_ROOT / "action.yml").read_text())["inputs"]["command"]["description"]
    for command in ActionCommand:
        assert command.value in description


def test_deploy_passes_naming_target_and_ttl(tmp_path):
    line = argv(
        tmp_path,
        command="deploy",
        app_directory="infra",
        stack_prefix="shop",
        pr="12",
        aws_region="eu-west-1",
        endpoint_url="http://localhost:4566",
        ttl_hours="6",
    )
    assert line == [
        "deploy",
        str(tmp_path / "infra"),
        "--stack-prefix",
        "shop",
        "--pr",
        "12",
        "--endpoint-url",
        "http://localhost:4566",
        "--region",
        "eu-west-1",
        "--work-dir",
        str(tmp_path / ".serverless-pr-test"),
        "--ttl-hours",
        "6",
    ]


def test_test_command_gets_its_shard_and_pytest_args_split_without_a_shell(tmp_path):
    hostile = "-k 'reserve and not slow' $(touch pwned) ; rm -rf /"
    line = argv(tmp_path, command="test", shard="2", total_shards="3", pytest_args=hostile, tests="it")
    assert line[:3] == ["test", "--shard", "2/3"]
    assert line[line.index("--tests") + 1] == "it"
    assert line[line.index("--durations") + 1] == str(tmp_path / ".serverless-pr-test" / "durations.json")
    assert line[line.index("--") + 1 :] == [
        "-k",
        "reserve and not slow",
        "$(touch",
        "pwned)",
        ";",
        "rm",
        "-rf",
        "/",
    ]
    assert not (tmp_path / "pwned").exists()


def test_report_passes_comment_switch_shards_and_results(tmp_path):
    line = argv(
        tmp_path,
        command="report",
        total_shards="4",
        comment_mode="failures",
        check_run="false",
        results_directory="out",
        durations="false",
    )
    assert line[line.index("--comment-mode") + 1] == "failures"
    assert "--no-check-run" in line
    assert line[line.index("--shards") + 1] == "4"
    assert line[line.index("--results-dir") + 1] == str(tmp_path / "out")
    assert "--durations" not in line


def test_destroy_uses_the_record_when_deploy_left_one(tmp_path):
    record = tmp_path / ".serverless-pr-test" / "deployment.json"
    record.parent.mkdir()
    record.write_text("{}")
    line = argv(tmp_path, command="destroy", pr="5")
    assert line[line.index("--record") + 1] == str(record)


def test_destroy_without_a_record_finds_the_stacks_by_the_event_pr(tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 31, "head": {}, "base": {}}}))
    env = {"INPUT_COMMAND": "destroy", "GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "acme/shop"}
    line = ActionInputs.from_env(env, tmp_path).command_line()
    assert line[line.index("--pr") + 1] == "31"
    assert "--record" not in line


def test_keep_stack_makes_destroy_a_no_op(tmp_path):
    assert argv(tmp_path, command="destroy", keep_stack="true", pr="3") is None


def test_janitor_passes_dry_run_and_target(tmp_path):
    assert argv(tmp_path, command="janitor", dry_run="true", aws_region="us-west-2") == [
        "janitor",
        "--region",
        "us-west-2",
        "--dry-run",
    ]


def test_run_passes_local_and_shards(tmp_path):
    line = argv(tmp_path, command="run", local="true", total_shards="2")
    assert line[:2] == ["run", str(tmp_path)]
    assert "--local" in line
    assert line[line.index("--shards") + 1] == "2"


def test_every_bad_input_is_named_in_one_error(tmp_path):
    with pytest.raises(ConfigError) as raised:
        argv(
            tmp_path,
            command="ship",
            shard="0",
            total_shards="x",
            local="maybe",
            ttl_hours="-1",
            pytest_args="'unclosed",
        )
    message = str(raised.value)
    for name in ("`command`", "`shard`", "`total-shards`", "`local`", "`ttl-hours`", "`pytest-args`"):
        assert name in message


def test_parameters_input_becomes_one_flag_per_line_for_deploy_and_run(tmp_path):
    lines = "Stage=dev\n\n  Data:RetentionDays=7  \nToken=a=b\n"
    for command in ("deploy", "run"):
        line = argv(tmp_path, command=command, parameters=lines)
        flags = [item for item in line if item.startswith("--parameters")]
        assert flags == [
            "--parameters=Stage=dev",
            "--parameters=Data:RetentionDays=7",
            "--parameters=Token=a=b",
        ]


def test_malformed_parameters_name_the_input_and_its_line(tmp_path):
    with pytest.raises(ConfigError) as raised:
        argv(tmp_path, command="deploy", parameters="Stage=dev\nno-equals-sign\nbad-key=1")
    message = str(raised.value)
    assert "input `parameters` line 2: expected KEY=VALUE or STACK:KEY=VALUE" in message
    assert "input `parameters` line 3: parameter name 'bad-key' must be letters and digits only" in message


def test_a_shard_beyond_the_total_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="larger than `total-shards`"):
        argv(tmp_path, command="test", shard="3", total_shards="2")


# For every input the runner reads: a command where it matters and a value other than its default.
PROBES = {
    "command": ("janitor", "deploy"),
    "app-directory": ("deploy", "myapp"),
    "stack-prefix": ("deploy", "zzprefix"),
    "pr": ("deploy", "4321"),
    "shard": ("test", "2"),
    "total-shards": ("test", "6"),
    "tests": ("test", "it_tests"),
    "pytest-args": ("test", "-x"),
    "results-directory": ("test", "res-x"),
    "work-directory": ("deploy", "wd-x"),
    "durations": ("test", "false"),
    "aws-region": ("deploy", "ap-east-1"),
    "endpoint-url": ("deploy", "http://localhost:1"),
    "local": ("deploy", "true"),
    "comment-mode": ("report", "off"),
    "check-run": ("report", "false"),
    "environment-url-output": ("deploy", "ApiUrl"),
    "pr-for-commit": ("report", "0123456789abcdef0123456789abcdef01234567"),
    "ttl-hours": ("deploy", "7.5"),
    "parameters": ("deploy", "Stage=dev"),
    "keep-stack": ("destroy", "true"),
    "dry-run": ("janitor", "true"),
}
NOT_IN_ARGV = {"github-token"}  # reaches the runner as GITHUB_TOKEN, never on a command line


def runner_inputs():
    from .test_action_definition import SETUP_INPUTS

    names = yaml.safe_load((REPO_ROOT / "action.yml").read_text())["inputs"]
    return [name for name in names if name not in SETUP_INPUTS | NOT_IN_ARGV]


def test_every_runner_input_has_a_pass_through_probe():
    assert sorted(PROBES) == sorted(runner_inputs())


@pytest.mark.parametrize("name", sorted(PROBES))
def test_each_input_changes_the_command_line(tmp_path, name):
    command, value = PROBES[name]
    base = {"INPUT_COMMAND": command, "INPUT_TOTAL_SHARDS": "5", "INPUT_PR": "1"}
    changed = {**base, env_name(name): value}
    default_line = ActionInputs.from_env(base, tmp_path).command_line()
    assert ActionInputs.from_env(changed, tmp_path).command_line() != default_line
