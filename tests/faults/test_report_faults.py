"""Faults the report meets, end to end through the CLI against one deployment of the fault app:
a shard's JUnit missing (5); malformed, XXE and billion-laughs JUnit (6); GitHub answering 502 and
secondary rate limits on the comment (7); shell syntax, quotes, newlines and unicode in PR titles,
branch names and test names (10); a report over the comment size limit (11).

The deployment is made from a pull_request event whose title and branch are hostile, so the deploy
itself proves they are data. Each case works on its own copy of the shards' results; the module
ends by destroying the stack and checking the endpoint has none left.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.report.github_server import FakeGitHub, ScriptedAnswer

from .conftest import REPOSITORY, cli, cli_env, copy_app, live_stacks, output_of
from .rendered_markdown import outside_code_blocks

PR = 602
TOKEN = "ghs_fault_suite_token"
SHARDS = 4
COMMENTS = rf"/repos/{REPOSITORY}/issues/{PR}/comments"
SECONDARY_LIMIT = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."


@dataclass(frozen=True)
class Deployment:
    app: Path
    record: Path
    results: Path  # a clean run of every shard: copy it, never change it
    canary: Path  # created only if some shell ever ran text from the event or a test name
    event: Path
    env: dict[str, str]


def hostile(canary: Path) -> list[str]:
    return [
        f"$(touch {canary})",
        f"`touch {canary}`",
        f"quote ' and \" and '; touch {canary}; echo '",
        "first line\nsecond line\r\n::error::forged annotation",
        "ünïcødé ✓ 🚀 — 測試",
        "<script>alert(1)</script> @octocat ``` fence ```",
    ]


@pytest.fixture(scope="module")
def deployment(endpoint, assembly, tmp_path_factory) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp("report-faults")
    canary = root / "canary"
    event = root / "event.json"
    title, branch = " ".join(hostile(canary)), f"feature/$(touch {canary})`touch {canary}`"
    event.write_text(
        json.dumps({
            "action": "synchronize",
            "pull_request": {
                "number": PR, "title": title,
                "head": {"ref": branch, "sha": "0123abcd", "repo": {"full_name": REPOSITORY}},
                "base": {"ref": "main", "repo": {"full_name": REPOSITORY}},
            },
        }),
        encoding="utf-8",
    )  # fmt: skip
    app = copy_app(root / "faults", assembly)
    env = cli_env(
        endpoint, GITHUB_EVENT_PATH=str(event), GITHUB_HEAD_REF=branch, GITHUB_EVENT_NAME="pull_request"
    )
    work = root / "work"
    deployed = cli(["deploy", str(app), "--endpoint-url", endpoint.url, "--work-dir", str(work)], root, env)
    assert deployed.returncode == 0, output_of(deployed)
    record = work / "deployment.json"
    results = root / "results"
    shards = [
        subprocess.Popen(
            [sys.executable, "-m", "runner", "test", "--shard", f"{index}/{SHARDS}", "--app-dir", str(app),
             "--record", str(record), "--results-dir", str(results)],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for index in range(1, SHARDS + 1)
    ]  # fmt: skip
    assert [shard.wait(timeout=120) for shard in shards] == [0] * SHARDS
    yield Deployment(app, record, results, canary, event, env)

    destroyed = cli(["destroy", "--work-dir", str(work)], root, env)
    assert destroyed.returncode == 0, output_of(destroyed)
    assert live_stacks(endpoint) == []
    assert not canary.exists()


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub(repository=REPOSITORY, pr_number=PR).start()
    # The report job's token, with exactly the permissions the README documents for it.
    server.grant_actions_token(TOKEN, {"pull-requests": "write", "checks": "write", "contents": "read"})
    yield server
    server.stop()


def results_copy(deployment: Deployment, tmp_path: Path) -> Path:
    return Path(shutil.copytree(deployment.results, tmp_path / "results"))


def report(
    deployment: Deployment, tmp_path: Path, results: Path, *extra: str, github: FakeGitHub | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(deployment.env)
    env.update({
        "GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "77", "GITHUB_WORKSPACE": str(deployment.app),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "outputs.txt"),
        "SPT_GITHUB_RETRIES": "2",
    })  # fmt: skip
    if github is not None:
        env.update({"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": github.url})
    command = ["report", "--results-dir", str(results), "--record", str(deployment.record),
               "--app-dir", str(deployment.app), "--output", str(tmp_path / "report.md"), *extra]  # fmt: skip
    if github is None:
        command.append("--no-comment")
    return cli(command, tmp_path, env)


def annotations(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(("::error", "::warning", "::notice"))]


def test_a_missing_junit_file_names_its_shard_and_fails_the_report(deployment, tmp_path):
    results = results_copy(deployment, tmp_path)
    (results / "shard-3.xml").unlink()
    completed = report(deployment, tmp_path, results)
    assert completed.returncode == 1, output_of(completed)
    owed = len(json.loads((results / "shard-3.plan.json").read_text())["nodeids"])
    tests = "test" if owed == 1 else "tests"
    assert (
        f"::error title=missing shard::shard 3/{SHARDS}: {owed} planned {tests} did not report"
        in completed.stdout
    )
    text = (tmp_path / "report.md").read_text()
    assert f"**missing shard**: shard 3/{SHARDS}" in text
    assert "Traceback" not in completed.stderr


def test_malformed_xxe_and_billion_laughs_files_become_error_entries_while_the_rest_reports(
    deployment, tmp_path
):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    results = results_copy(deployment, tmp_path)
    kept = (results / "shard-1.xml").read_text()
    (results / "shard-2.xml").write_text(kept[: len(kept) // 2])  # cut mid-element, like a killed writer
    (results / "shard-3.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY s SYSTEM "file://{secret}">]>\n'
        '<testsuites><testsuite name="pytest"><testcase classname="tests.test_orders" name="test_x">'
        '<failure message="&s;">&s;</failure></testcase></testsuite></testsuites>'
    )
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    (results / "shard-4.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY l0 "lol">{laughs}]>\n'
        '<testsuites><testsuite name="pytest"><testcase classname="a" name="b"><failure message="&l9;"/>'
        "</testcase></testsuite></testsuites>"
    )
    completed = report(deployment, tmp_path, results)
    assert completed.returncode == 1, output_of(completed)
    text = (tmp_path / "report.md").read_text()
    for index in (2, 3, 4):
        assert f"shard\\-{index}\\.xml" in text or f"shard-{index}.xml" in text, text
    error_lines = [line for line in annotations(completed.stdout) if "shard-" in line]
    assert {index for index in (2, 3, 4) if any(f"shard-{index}.xml" in line for line in error_lines)} == {
        2,
        3,
        4,
    }
    assert "TOP-SECRET-VALUE" not in completed.stdout + completed.stderr + text
    assert "lollollol" not in text
    assert "| 1 | 0 | 0 | 0 | 0 | 1 |" in text  # shard 1's result still counts
    assert "Traceback" not in completed.stderr


def test_github_502s_and_secondary_rate_limits_are_retried_until_the_comment_is_written(
    deployment, tmp_path, github
):
    limited = ScriptedAnswer("GET", COMMENTS, 403, {"Retry-After": "1"}, {"message": SECONDARY_LIMIT})
    github.script += [ScriptedAnswer("POST", "/graphql", 502, body={"message": "Server Error"}), limited]
    github.script.append(ScriptedAnswer("POST", COMMENTS, 502, body={"message": "Server Error"}))
    completed = report(deployment, tmp_path, results_copy(deployment, tmp_path), github=github)
    assert completed.returncode == 0, output_of(completed)
    assert github.script == []  # every scripted failure was met
    (comment,) = github.comments.values()  # a retried POST never leaves a duplicate
    assert comment.body.startswith("<!-- serverless-pr-test:report prefix=faults -->")
    assert TOKEN not in "\n".join(
        line for line in (completed.stdout + completed.stderr).splitlines() if "::add-mask::" not in line
    )


def test_github_down_for_good_costs_a_warning_not_the_tests_verdict(deployment, tmp_path, github):
    github.script += [ScriptedAnswer("POST", "/graphql", 502, body={"message": "Server Error"})] * 20
    completed = report(deployment, tmp_path, results_copy(deployment, tmp_path), github=github)
    assert completed.returncode == 0, output_of(completed)
    assert "::warning title=serverless-pr-test report::PR comment not written" in completed.stdout
    assert github.comments == {}
    assert (tmp_path / "report.md").read_text().startswith("<!-- serverless-pr-test:report")


def write_tests(deployment: Deployment, folder: str, source: str) -> Path:
    path = deployment.app / folder
    path.mkdir(exist_ok=True)
    (path / "test_generated.py").write_text(source, encoding="utf-8")
    return path


def run_tests(deployment: Deployment, tmp_path: Path, folder: str) -> Path:
    results = tmp_path / "results"
    completed = cli(
        ["test", "--shard", "1/1", "--app-dir", str(deployment.app), "--tests", folder,
         "--record", str(deployment.record), "--results-dir", str(results)],
        tmp_path, deployment.env,
    )  # fmt: skip
    assert completed.returncode == 1, output_of(completed)  # the generated tests fail on purpose
    return results


def test_shell_syntax_newlines_and_unicode_in_names_titles_and_branches_stay_inert(
    deployment, tmp_path, github
):
    values = hostile(deployment.canary)
    write_tests(
        deployment,
        "tests_hostile",
        "import pytest\n\n"
        f"VALUES = {values!r}\n\n\n"
        "@pytest.mark.parametrize('value', VALUES, ids=VALUES)\n"
        "def test_hostile_value(value):\n"
        "    assert value == '', f'rejected {value}'\n\n\n"
        "def test_ünïcødé_name():\n"
        "    assert False, 'ünïcødé ✓ 🚀'\n",
    )
    results = run_tests(deployment, tmp_path, "tests_hostile")
    completed = report(deployment, tmp_path, results, github=github)
    assert completed.returncode == 1, output_of(completed)
    assert not deployment.canary.exists(), "a test name or the event was run by a shell"

    lines = annotations(completed.stdout)
    failures = [line for line in lines if line.startswith("::error file=")]
    assert len(failures) == len(values) + 1, lines
    # One annotation per line: the newline and the forged `::error::` stay inside the message.
    assert any("first line%0A" in line and "%0D%0A  ::error::forged annotation" in line for line in failures)
    assert not [line for line in completed.stdout.splitlines() if line.startswith("::error::forged")]

    (comment,) = github.comments.values()
    for text in (comment.body, (tmp_path / "report.md").read_text()):
        prose = outside_code_blocks(text)  # inside a fence, GitHub shows text literally
        assert "<script>" not in prose
        assert "&lt;script&gt;" in prose
        assert "@octocat" not in prose  # no mention pings anyone
        assert "ünïcødé ✓ 🚀" in prose


def test_a_report_over_the_comment_limit_is_cut_with_a_note_and_keeps_its_marker(
    deployment, tmp_path, github
):
    write_tests(
        deployment,
        "tests_many",
        "import pytest\n\n\n"
        "@pytest.mark.parametrize('number', range(1500))\n"
        "def test_order_total_matches_the_invoice_for_a_long_descriptive_case_name(number):\n"
        "    assert number < 0, f'order {number}: total 10.00 != invoice 12.00 ' + 'x' * 60\n",
    )
    results = run_tests(deployment, tmp_path, "tests_many")
    completed = report(deployment, tmp_path, results, github=github)
    assert completed.returncode == 1, output_of(completed)
    (comment,) = github.comments.values()
    assert len(comment.body) <= 65_536
    assert len(comment.body.encode()) <= 262_144
    assert comment.body.startswith("<!-- serverless-pr-test:report prefix=faults -->")
    assert "✂️ Shortened to fit a GitHub comment" in comment.body
    assert "## ❌ Failed: 1500 tests" in comment.body
    full = (tmp_path / "report.md").read_text()  # the job summary's budget keeps far more
    assert len(full) > len(comment.body)
