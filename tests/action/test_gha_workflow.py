"""The workflow runner itself, on small workflows of `run:` steps: permissions a called job may not
exceed, `needs` and status functions, matrices, and caches scoped the way GitHub scopes them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .gha_interpreter import ExpressionError, Job
from .gha_workflow import Services, Stores, WorkflowRunner

CALLER = """\
on:
  pull_request:
  push:
jobs:
  call:
    uses: ./called.yml
    permissions:
      contents: read
      pull-requests: write
"""
CALLED = """\
on:
  workflow_call:
    inputs:
      shards:
        type: number
        default: 2
    outputs:
      restored:
        value: ${{ jobs.use.outputs.restored }}
jobs:
  save:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - run: |
          mkdir -p work && echo '{"t": 1.5}' > work/durations.json
      - uses: actions/cache/save@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5
        with:
          path: work/durations.json
          key: durations-${{ github.run_id }}
  use:
    if: github.event_name != 'push'
    runs-on: ubuntu-latest
    permissions: PERMISSIONS
    strategy:
      matrix:
        shard: ${{ fromJSON(format('[{0}]', inputs.shards == 2 && '1, 2' || '1')) }}
    outputs:
      restored: ${{ steps.read.outputs.restored }}
    steps:
      - uses: actions/cache/restore@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5
        with:
          path: work/durations.json
          key: durations-${{ github.run_id }}
          restore-keys: durations-
      - id: read
        run: echo "restored=$(cat work/durations.json 2>/dev/null || echo none)" >> "$GITHUB_OUTPUT"
  after:
    needs: use
    if: always()
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - run: "true"
"""


def runner(tmp_path: Path, permissions: str = "{contents: read, pull-requests: write}") -> WorkflowRunner:
    (tmp_path / "called.yml").write_text(CALLED.replace("PERMISSIONS", permissions))
    (tmp_path / "caller.yml").write_text(CALLER)
    minted: list[dict[str, str]] = []
    counter = iter(range(1000))

    def make_job(label: str) -> Job:
        root = tmp_path / f"job-{next(counter)}"
        (root / "ws").mkdir(parents=True)
        (root / "tmp").mkdir()
        return Job(
            workspace=root / "ws", runner_temp=root / "tmp", env={"PATH": os.environ["PATH"]}, github={}
        )

    def mint(permissions: dict[str, str]) -> str:
        minted.append(permissions)
        return f"ghs_{len(minted)}"

    return WorkflowRunner(tmp_path, Services(make_job, mint, {}, {}), Stores(tmp_path / "stores"))


def test_a_push_to_the_default_branch_saves_a_cache_that_later_pull_requests_restore(tmp_path):
    workflow_runner = runner(tmp_path)
    caller = tmp_path / "caller.yml"
    pr = {"repository": {"full_name": "acme/shop"}}
    before = workflow_runner.run(caller, "pull_request", pr, "refs/pull/1/merge", {}, run_id="1")
    assert before.outputs["restored"] == "none"
    push = workflow_runner.run(caller, "push", pr, "refs/heads/main", {}, run_id="2")
    assert (push.results["save"], push.results["use"]) == ("success", "skipped")
    after = workflow_runner.run(caller, "pull_request", pr, "refs/pull/3/merge", {}, run_id="3")
    assert after.outputs["restored"] == '{"t": 1.5}'
    assert set(after.results) == {"save", "use (1)", "use (2)", "after"}


def test_a_called_job_asking_for_more_than_the_caller_grants_is_refused(tmp_path):
    workflow_runner = runner(tmp_path, permissions="{contents: read, checks: write}")
    with pytest.raises(ExpressionError, match=r"checks: write \(caller granted none\)"):
        workflow_runner.run(tmp_path / "caller.yml", "pull_request", {}, "refs/pull/1/merge", {}, run_id="1")
