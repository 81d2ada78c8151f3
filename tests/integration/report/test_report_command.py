"""`serverless-pr-test report` as a subprocess: shard results + plans + a deployment record on the
local endpoint + a local GitHub server -> report.md, job summary, annotations, outputs, durations
store, merged JUnit, the sticky comment, and an exit code that is about the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from runner.local import LocalEndpoint
from runner.record import DeployedStack, DeploymentRecord
from runner.report import PublishOptions, ReportInputs, render_terminal, report_run
from runner.tags import format_time

from .github_server import FakeGitHub
from .report_run import HEAD_SHA, TOKEN, outputs, run_report, write_results, write_test_files


def test_failing_run_reports_everywhere_with_cost_and_comment(
    tmp_path: Path,
    github: FakeGitHub,
    endpoint: LocalEndpoint,
    client: Callable[[str], Any],
    make_stack: Callable[[int], tuple[str, str]],
) -> None:
    stack, function = make_stack(512)
    client("lambda").invoke(FunctionName=function, Payload=b"{}")
    record = DeploymentRecord(
        repository="acme/shop", pr_number=7, commit=HEAD_SHA, run_id="4242", region=endpoint.region,
        endpoint_url=endpoint.url, stacks=(DeployedStack(stack, "CREATE_COMPLETE"),), tags={},
        deployed_at=format_time(datetime.now(UTC) - timedelta(minutes=2)), duration_seconds=30.0,
    )  # fmt: skip
    record.write(tmp_path / "deployment.json")
    write_results(tmp_path / "results", failing={"tests/test_a.py::TestStock::test_low[1]"}, shards=[1, 2])
    write_test_files(tmp_path)
    completed = run_report(tmp_path, github, record=tmp_path / "deployment.json")

    assert completed.returncode == 1, completed.stderr
    # The only place the token may appear is the mask command, which GitHub consumes and hides.
    assert f"::add-mask::{TOKEN}" in completed.stdout
    unmasked = [
        line for line in (completed.stdout + completed.stderr).splitlines() if "::add-mask::" not in line
    ]
    assert not [line for line in unmasked if TOKEN in line]
    assert (
        "::error file=tests/test_a.py,line=7,title=failed%3A tests/test_a.py%3A%3ATestStock%3A%3Atest_low[1]"
        "::assert 2 == 1" in completed.stdout
    )
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert report.startswith("<!-- serverless-pr-test:report prefix=shop -->")
    assert "## ❌ Failed: 3 tests on 2 shards" in report
    assert "| Lambda |" in report
    assert (tmp_path / "summary.md").read_text(encoding="utf-8").strip() == report.strip()
    values = outputs(tmp_path)
    assert values["passed"] == "false"
    assert values["failed"] == "1"
    assert float(values["cost"]) > 0
    assert values["report-path"] == "report.md"
    durations = (tmp_path / "durations.json").read_text(encoding="utf-8")
    assert '"tests/test_a.py::TestStock::test_low[1]": 1.5' in durations
    assert "test_low[1]" in (tmp_path / "merged.xml").read_text(encoding="utf-8")
    (comment,) = github.comments.values()
    assert comment.login == "github-actions[bot]"
    (check,) = github.check_runs.values()
    assert (check.name, check.head_sha, check.conclusion) == (
        "serverless-pr-test (shop)",
        HEAD_SHA,
        "failure",
    )
    assert check.summary.startswith("<!-- serverless-pr-test:report prefix=shop -->")
    assert [(a["path"], a["start_line"], a["annotation_level"]) for a in check.annotations] == [
        ("tests/test_a.py", 7, "failure")
    ]
    assert values["comment-url"].endswith(f"#issuecomment-{comment.id}")
    assert values["check-url"].endswith(f"/runs/{check.id}")
    assert github.refused == []
    assert comment.body.startswith("<!-- serverless-pr-test:report prefix=shop -->")
    assert "cost $" in comment.body


def test_a_missing_shard_fails_even_when_every_reported_test_passed(
    tmp_path: Path, github: FakeGitHub
) -> None:
    write_results(tmp_path / "results", failing=set(), shards=[1])
    completed = run_report(tmp_path, github, "--no-comment", "--no-check-run", "--no-cost")
    assert completed.returncode == 1
    assert "::error title=missing shard::shard 2/2: 1 planned test did not report" in completed.stdout
    assert github.requests == []
    assert outputs(tmp_path)["passed"] == "false"


def test_passing_run_exits_zero_even_when_github_is_down(tmp_path: Path, github: FakeGitHub) -> None:
    write_results(tmp_path / "results", failing=set(), shards=[1, 2])
    github.stop()
    completed = run_report(tmp_path, github, "--no-cost")
    assert completed.returncode == 0, completed.stderr
    assert (
        "::warning title=serverless-pr-test report::PR comment not written: could not reach GitHub"
        in completed.stdout
    )
    assert outputs(tmp_path)["passed"] == "true"


def test_without_checks_write_the_job_summary_is_the_report_and_that_is_said_once(
    tmp_path: Path, github: FakeGitHub
) -> None:
    github.grant_actions_token(TOKEN, {"pull-requests": "write"})
    write_results(tmp_path / "results", failing={"tests/test_b.py::test_alert"}, shards=[1, 2])
    completed = run_report(tmp_path, github, "--no-cost")
    assert completed.returncode == 1
    notices = [line for line in completed.stdout.splitlines() if "No check run" in line]
    assert notices == [
        "::notice title=serverless-pr-test report::No check run: no `checks: write` for this token: "
        "the report is in the job summary only"
    ]
    assert github.check_runs == {}
    assert len(github.comments) == 1
    assert outputs(tmp_path)["check-url"] == ""


def test_report_run_gives_the_run_command_a_terminal_report_with_cost_per_run_and_per_day(
    tmp_path: Path,
    endpoint: LocalEndpoint,
    client: Callable[[str], Any],
    make_stack: Callable[[int], tuple[str, str]],
) -> None:
    stack, function = make_stack(256)
    client("lambda").invoke(FunctionName=function, Payload=b"{}")
    record = DeploymentRecord(
        repository="local/shop", pr_number=None, commit="unknown", run_id="local", region=endpoint.region,
        endpoint_url=endpoint.url, stacks=(DeployedStack(stack, "CREATE_COMPLETE"),), tags={},
        deployed_at=format_time(datetime.now(UTC)), duration_seconds=12.0,
    )  # fmt: skip
    write_results(tmp_path / "results", failing=set(), shards=[1, 2])
    inputs = ReportInputs(tmp_path / "results", record=record)
    options = PublishOptions(results_dir=tmp_path / "results", output=tmp_path / "report.md", comment=False)
    report, exit_code = report_run(inputs, options, env={})
    assert exit_code == 0
    assert report.cost is not None
    assert report.cost.run_usd > 0
    text = render_terminal(report)
    assert text.startswith("PASSED: 3 tests")
    assert "for this run" in text
    assert "/day if left running idle" in text
    assert (tmp_path / "report.md").is_file()


def test_an_unreadable_record_costs_the_estimate_not_the_report(tmp_path: Path, github: FakeGitHub) -> None:
    write_results(tmp_path / "results", failing=set(), shards=[1, 2])
    (tmp_path / "deployment.json").write_text("{not json", encoding="utf-8")
    completed = run_report(
        tmp_path, github, "--no-comment", "--no-check-run", record=tmp_path / "deployment.json"
    )
    assert completed.returncode == 0, completed.stderr
    assert (
        "::warning title=serverless-pr-test report::no cost estimate: deployment record" in completed.stdout
    )
    assert "Not estimated: deployment record" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_failure_paths_are_anchored_at_the_app_directory_for_annotations(
    tmp_path: Path, github: FakeGitHub
) -> None:
    write_results(tmp_path / "results", failing={"tests/test_b.py::test_alert"}, shards=[1, 2])
    write_test_files(tmp_path / "stacks" / "shop")
    completed = run_report(tmp_path, github, "--no-comment", "--no-cost", "--app-dir", "stacks/shop")
    assert completed.returncode == 1
    assert "::error file=stacks/shop/tests/test_b.py,line=7," in completed.stdout


def test_a_failure_whose_file_is_not_in_the_workspace_is_annotated_without_a_file(
    tmp_path: Path, github: FakeGitHub
) -> None:
    write_results(tmp_path / "results", failing={"tests/test_b.py::test_alert"}, shards=[1, 2])
    completed = run_report(tmp_path, github, "--no-comment", "--no-cost")
    assert completed.returncode == 1
    assert "::error title=failed%3A tests/test_b.py%3A%3Atest_alert::assert 2 == 1" in completed.stdout, (
        completed.stdout
    )


def test_the_fork_recipe_finds_the_pr_by_the_runs_head_commit_through_the_api(
    tmp_path: Path, github: FakeGitHub
) -> None:
    from .github_state import StoredPull

    fork_head = "f0" * 20
    github.pulls[8] = StoredPull(8, head_sha=fork_head, head_repository="someone/shop")
    write_results(tmp_path / "results", failing=set(), shards=[1, 2])
    command = [sys.executable, "-m", "runner", "report", "--results-dir", "results", "--no-cost",
               "--pr-for-commit", fork_head]  # fmt: skip
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": github.url,
           "GITHUB_REPOSITORY": "acme/shop", "GITHUB_WORKSPACE": str(tmp_path)}  # fmt: skip
    env.pop("GITHUB_EVENT_PATH", None)
    completed = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert github.count("GET", r"^/repos/acme/shop/pulls$") == 1
    (comment,) = github.comments.values()
    assert comment.issue == 8
    (check,) = github.check_runs.values()
    assert (check.head_sha, check.conclusion) == (fork_head, "success")


def test_run_annotations_are_workspace_relative_without_a_workspace_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run` passes only where the tests ran (the app directory): the workspace comes from Actions."""
    app = tmp_path / "stacks" / "shop"
    write_results(app / "results", failing={"tests/test_b.py::test_alert"}, shards=[1, 2])
    # Annotations carry a path only when the file is there: the test file the results name.
    (app / "tests").mkdir(parents=True)
    (app / "tests" / "test_b.py").write_text("\n" * 6 + "def test_alert():\n    assert 2 == 1\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    options = PublishOptions(
        results_dir=app / "results",
        output=tmp_path / "report.md",
        comment=False,
        check_run=False,
        tests_root=app,
    )
    report_run(
        ReportInputs(app / "results", estimate_cost=False), options, env={"GITHUB_WORKSPACE": str(tmp_path)}
    )
    assert "::error file=stacks/shop/tests/test_b.py,line=7," in capsys.readouterr().out
