"""Untrusted text never becomes a workflow command in Actions: what pytest, the CDK CLI,
CloudFormation, stack outputs, records or error messages print goes out between
`::stop-commands::<random token>` and `::<token>::`; the runner's own commands stay escaped per
@actions/core (`%`, CR, LF; in properties also `:` and `,`). The log is read the way the GitHub
runner reads it (tests/adversarial/conftest.py: workflow_commands)."""

from __future__ import annotations

import json
import re

import pytest

from runner import gha

from .conftest import REPOSITORY_NAME, cli, cli_env, workflow_commands

INJECTIONS = (
    "::error title=pwned::pwned",
    "    ::add-mask::pwned-indented",
    "::stop-commands::pwned-token",
    "::pwned-token::",
    "::warning::pwned-after-fake-resume",
)


@pytest.fixture
def in_actions(monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))


def test_own_annotations_escape_data_and_properties_per_actions_core(in_actions, capsys):
    gha.annotation("error", "50% done\r\n::warning::x", file="a,b.py", line=3, title="t:1,\n::error::y")
    line = capsys.readouterr().out.strip()
    assert line == (
        "::error file=a%2Cb.py,line=3,title=t%3A1%2C%0A%3A%3Aerror%3A%3Ay::50%25 done%0D%0A::warning::x"
    )
    assert [command.name for command in workflow_commands(line)] == ["error"]


def test_text_inside_an_untrusted_block_is_never_a_command_and_own_commands_still_are(in_actions, capsys):
    with gha.untrusted_output():
        for injection in INJECTIONS:
            print(injection)
        gha.annotation("notice", "ours")
        with gha.group("inside"):
            print("::set-output name=x::pwned")
        print("::error::pwned-after-group")
    log = capsys.readouterr().out
    assert [command.line for command in workflow_commands(log)] == [
        "::notice::ours",
        "::group::inside",
        "::endgroup::",
    ]
    tokens = re.findall(r"^::stop-commands::(\w+)$", log, re.MULTILINE)
    assert len(set(tokens)) == len(tokens) >= 2  # a fresh random token after each own command
    assert all(len(token) == 32 for token in tokens)


def test_outside_actions_nothing_extra_is_printed(monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    with gha.untrusted_output():
        print("::error::plain text here")
    assert capsys.readouterr().out == "::error::plain text here\n"


def record_for_test(tmp_path, endpoint, outputs: dict[str, str]) -> str:
    record = {
        "version": 1,
        "repository": REPOSITORY_NAME,
        "pr_number": 1,
        "commit": "abc",
        "run_id": "local-1",
        "region": endpoint.region,
        "endpoint_url": endpoint.url,
        "stacks": [{"name": "adv-pr-1", "status": "CREATE_COMPLETE", "outputs": outputs}],
        "tags": {},
        "deployed_at": "2026-12-07T00:00:00Z",
    }
    path = tmp_path / "deployment.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    return str(path)


SECRETS = {
    "GITHUB_TOKEN": "ghs_canarytoken1",
    "GH_TOKEN": "ghs_canarytoken2",
    "INPUT_GITHUB-TOKEN": "ghs_canarytoken3",
    "ACTIONS_RUNTIME_TOKEN": "canary-runtime-4",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "canary-oidc-5",
}


def test_pytest_output_is_data_and_pytest_sees_no_github_credential(endpoint, make_app, tmp_path):
    app = make_app("printer")
    dump = tmp_path / "pytest-env"
    env = cli_env(
        endpoint,
        GITHUB_ACTIONS="true",
        GITHUB_OUTPUT=str(tmp_path / "out"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary"),
        ADV_TEST_ENV_DUMP=str(dump),
        **SECRETS,
    )
    record = record_for_test(tmp_path, endpoint, {"QueueUrl": "x\n::warning::pwned-output"})
    ran = cli(
        [
            "test",
            "--app-dir",
            str(app),
            "--record",
            str(record),
            "--results-dir",
            str(tmp_path / "r"),
            "--",
            "-s",
        ],
        env,
    )
    assert ran.code == 0, str(ran)
    assert "pwned-by-pytest" in ran.output  # it was printed, as data
    commands = workflow_commands(ran.output)
    assert not [command for command in commands if "pwned" in command.line], ran.output
    assert {command.name for command in commands} <= {"group", "endgroup", "add-mask"}
    masked = {command.line.removeprefix("::add-mask::") for command in commands if command.name == "add-mask"}
    assert masked == set(SECRETS.values())  # every credential masked before anything else runs

    seen = set(dump.read_text().split("\n"))
    assert "SPT_OUTPUT_QUEUE_URL" in seen
    assert not seen & set(SECRETS)


FAILING_APP = """
import sys
for line in {injections!r}:
    print(line, flush=True)
    print(line, file=sys.stderr, flush=True)
sys.exit(1)
"""


def test_cdk_cli_output_and_the_error_quoting_it_are_data_and_the_annotation_escaped(endpoint, tmp_path):
    app = tmp_path / "failing"
    app.mkdir()
    (app / "app.py").write_text(FAILING_APP.format(injections=INJECTIONS), encoding="utf-8")
    (app / "cdk.json").write_text(json.dumps({"app": "python3 app.py"}), encoding="utf-8")
    env = cli_env(endpoint, GITHUB_ACTIONS="true", CDK_HOME=str(tmp_path / "cdk-home"))
    ran = cli(
        ["deploy", str(app), "--pr", "1", "--endpoint-url", endpoint.url, "--work-dir", str(tmp_path / "w")],
        env,
    )
    assert ran.code == 3, str(ran)
    assert ran.output.count("pwned-after-fake-resume") >= 2  # echoed live and quoted in the error
    commands = workflow_commands(ran.output)
    assert [command.name for command in commands] == ["group", "endgroup", "error"], ran.output
    assert ran.output.rstrip().splitlines()[-1].startswith("::")  # the block's end marker, hidden
    error = commands[-1].line
    assert error.startswith("::error title=SynthError::")
    assert "%0A::error title=pwned::pwned%0A" in error  # the quoted tail, escaped inside our annotation


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="1" skipped="0" tests="2" time="0.1">
<testcase classname="tests.test_x" name="test_ok&#10;::error::pwned-name" file="tests/test_x.py" line="3"
 time="0.01"/>
<testcase classname="tests.test_x" name="test_bad&#10;::warning::pwned-title" file="tests/test_x.py" line="9"
 time="0.01"><failure message="boom&#10;  ::add-mask::pwned-msg">Traceback
    ::warning::pwned-body
::stop-commands::pwned
::pwned::
::error::pwned-after</failure></testcase>
</testsuite></testsuites>
"""


def test_result_file_text_is_data_and_the_failure_annotation_is_escaped(endpoint, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "shard-1.xml").write_text(JUNIT, encoding="utf-8")
    env = cli_env(endpoint, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(tmp_path / "summary"))
    ran = cli(
        [
            "report",
            "--results-dir",
            str(results),
            "--no-comment",
            "--no-cost",
            "--output",
            str(tmp_path / "r.md"),
        ],
        env,
        cwd=tmp_path,
    )
    assert "pwned-after" in ran.output  # the failure text was printed, as data
    commands = workflow_commands(ran.output)
    injected = [command for command in commands if re.match(r"::\w+(-\w+)?::pwned", command.line)]
    assert not injected, ran.output
    assert {command.name for command in commands} <= {"group", "endgroup", "error", "warning", "notice"}
    failure = [command.line for command in commands if command.name == "error"]
    assert any("title=failed%3A tests/test_x.py%3A%3Atest_bad" in line for line in failure), ran.output
