import json
import subprocess
import sys

import pytest

from runner import gha
from runner.context import RunContext
from runner.errors import ConfigError


def write_event(tmp_path, payload):
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return str(path)


def test_pull_request_event_gives_pr_number_and_head_commit(tmp_path):
    event = write_event(
        tmp_path,
        {
            "pull_request": {
                "number": 42,
                "head": {"sha": "feed", "repo": {"full_name": "org/shop"}},
                "base": {"repo": {"full_name": "org/shop"}},
            }
        },
    )
    env = {"GITHUB_EVENT_PATH": event, "GITHUB_REPOSITORY": "org/shop", "GITHUB_RUN_ID": "9"}
    context = RunContext.detect(env, tmp_path)
    assert (context.pr_number, context.commit, context.repository, context.is_fork) == (
        42,
        "feed",
        "org/shop",
        False,
    )
    assert context.run_id == "9-1"


def test_pull_request_from_a_fork_is_flagged(tmp_path):
    event = write_event(
        tmp_path,
        {
            "pull_request": {
                "number": 3,
                "head": {"sha": "x", "repo": {"full_name": "stranger/shop"}},
                "base": {"repo": {"full_name": "org/shop"}},
            }
        },
    )
    assert RunContext.detect({"GITHUB_EVENT_PATH": event}, tmp_path).is_fork


def test_workflow_dispatch_input_gives_the_pr(tmp_path):
    event = write_event(tmp_path, {"inputs": {"pr": "17"}})
    assert RunContext.detect({"GITHUB_EVENT_PATH": event}, tmp_path).pr_number == 17


def test_unreadable_event_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="GITHUB_EVENT_PATH"):
        RunContext.detect({"GITHUB_EVENT_PATH": str(tmp_path / "missing.json")}, tmp_path)


def test_local_runs_read_repository_and_commit_from_git(tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(
        ["git", "remote", "add", "origin", "git@github.com:org/shop.git"], cwd=tmp_path, check=True
    )
    subprocess.run(
        ["git", "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "x"],
        cwd=tmp_path,
        check=True,
    )
    context = RunContext.detect({}, tmp_path)
    assert context.repository == "org/shop"
    assert len(context.commit) == 40
    assert context.run_id.startswith("local-")
    assert RunContext.detect({}, tmp_path).run_id != context.run_id


def test_annotation_values_are_escaped(monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    gha.annotation("error", "50%\nbroken", file="a,b.py", line=3, title="x: y")
    assert capsys.readouterr().out.strip() == "::error file=a%2Cb.py,line=3,title=x%3A y::50%25%0Abroken"


def test_outputs_use_a_heredoc_delimiter_for_multiline_values(tmp_path):
    output = tmp_path / "out"
    gha.set_output("outputs-json", '{"a":\n1}', env={"GITHUB_OUTPUT": str(output)})
    lines = output.read_text().splitlines()
    assert lines[0].startswith("outputs-json<<ghadelimiter_")
    assert lines[1:3] == ['{"a":', "1}"]
    assert lines[3] == lines[0].split("<<")[1]


def test_help_imports_no_command_module_and_nothing_heavy():
    code = (
        "import sys\nfrom runner.cli.main import build_parser\nbuild_parser()\n"
        "heavy = [m for m in ('boto3', 'botocore', 'aws_cdk', 'github') if m in sys.modules]\n"
        "commands = [m for m in sys.modules if m.endswith('.command')]\n"
        "print(heavy, commands)"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[] []"


def test_every_subcommand_answers_help_and_every_table_module_exists():
    from runner.cli.main import COMMANDS

    for command in COMMANDS:
        completed = subprocess.run(
            [sys.executable, "-m", "runner", command.name, "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        assert f"usage: serverless-pr-test {command.name}" in completed.stdout
