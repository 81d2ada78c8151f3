"""The GitHub-facing pieces that need no server: the permission map, token kinds, the withheld token,
folds that never nest, the deploy summary, the commit a workflow_dispatch run checked out."""

from __future__ import annotations

import json
import subprocess

from runner import child_env, gha
from runner.child_env import withhold_token
from runner.context import RunContext
from runner.github.connection import GithubConnection, TokenKind
from runner.github.deploy_hooks import deploy_summary
from runner.github.permissions import permission_map
from runner.record import DeployedStack, DeploymentRecord


def test_the_comment_endpoints_need_only_pull_requests_write_and_reading_the_issue_needs_issues():
    endpoints = {(e.method, e.path): e for e in permission_map().endpoints}
    only_pulls = {"pull-requests": "write"}
    for key in [
        ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}"),
        ("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
        ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
        ("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ]:
        assert endpoints[key].granted_by(only_pulls), key
    assert not endpoints[("GET", "/repos/{owner}/{repo}/issues/{issue_number}")].granted_by(only_pulls)
    assert not endpoints[("POST", "/repos/{owner}/{repo}/check-runs")].granted_by({"checks": "read"})


def test_the_permission_table_names_every_endpoint_once():
    table = permission_map().markdown_table().splitlines()
    assert len(table) == 2 + len(permission_map().endpoints)
    assert "| `POST /repos/{owner}/{repo}/check-runs` | report |" in "\n".join(table)


def test_token_kinds_come_from_githubs_documented_prefixes():
    assert TokenKind.of("ghp_abc") is TokenKind.CLASSIC_PAT
    assert TokenKind.of("github_pat_abc") is TokenKind.FINE_GRAINED_PAT
    assert TokenKind.of("ghs_abc") is TokenKind.INSTALLATION
    assert TokenKind.of("something") is TokenKind.OTHER


def test_a_withheld_token_leaves_the_environment_but_still_reaches_the_connection(monkeypatch):
    monkeypatch.setattr(child_env, "_withheld", {})
    environ = {"GITHUB_TOKEN": "ghs_secret", "PATH": "/bin"}
    withhold_token(environ)
    assert environ == {"PATH": "/bin"}
    assert GithubConnection.from_env(environ).token == "ghs_secret"
    child = subprocess.run(["env"], env=environ, capture_output=True, text=True, check=True)
    assert "ghs_secret" not in child.stdout


def test_a_group_inside_a_group_is_a_plain_heading_so_folds_never_nest(monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    with gha.group("Janitor"), gha.group("Destroy shop-pr-1"):
        print("deleting")
    assert capsys.readouterr().out.splitlines() == [
        "::group::Janitor",
        "==> Destroy shop-pr-1",
        "deleting",
        "::endgroup::",
    ]


def test_deploy_summary_links_urls_and_escapes_everything_else():
    record = DeploymentRecord(
        repository="acme/shop", pr_number=7, commit="a" * 40, run_id="1-1", region="us-east-1",
        endpoint_url=None, tags={}, deployed_at="2026-12-07T00:00:00Z", duration_seconds=42.5,
        stacks=(DeployedStack("shop-pr-7", "CREATE_COMPLETE", {"ApiUrl": "https://abc.example/prod/",
                                                               "Note": "<b>@team</b>"}),),
    )  # fmt: skip
    summary = deploy_summary(record, "https://abc.example/prod/", ["Firehose delivery"])
    assert summary.startswith("## 🚀 Deployed 1 stack(s) in 42.5 s")
    assert "| ApiUrl | [https://abc.example/prod/](https://abc.example/prod/) |" in summary
    assert "<b>" not in summary
    assert "@\u200dteam" in summary
    assert "- Firehose delivery" in summary


def test_workflow_dispatch_records_the_commit_it_checked_out_not_the_dispatch_branch(tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(
        ["git", "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "x"],
        cwd=tmp_path,
        check=True,
    )
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True).stdout
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"inputs": {"pr": "17"}}))
    env = {"GITHUB_EVENT_PATH": str(event), "GITHUB_EVENT_NAME": "workflow_dispatch", "GITHUB_SHA": "b" * 40}
    context = RunContext.detect(env, tmp_path)
    assert (context.pr_number, context.commit) == (17, head.strip())
