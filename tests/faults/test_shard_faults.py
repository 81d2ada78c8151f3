"""Faults in the test phase, end to end through the CLI: a shard SIGKILLed mid-run (1), a shard's
JUnit missing (5). The report must name what is missing and fail; destroy still leaves nothing."""

from __future__ import annotations

import json
import os
import signal

from runner.polling import eventually

from .conftest import cli, cli_env, live_stacks, output_of, start_cli


def test_a_sigkilled_shard_is_reported_missing_and_destroy_leaves_no_stack(endpoint, make_app, tmp_path):
    app = make_app()
    env = cli_env(endpoint)
    work = tmp_path / "work"
    deployed = cli(
        ["deploy", str(app), "--endpoint-url", endpoint.url, "--pr", "601", "--work-dir", str(work)],
        tmp_path,
        env,
    )
    assert deployed.returncode == 0, output_of(deployed)
    marker = tmp_path / "blocking-shard"
    shard_env = cli_env(endpoint, FAULT_BLOCK_MARKER=str(marker))
    shards = {
        index: start_cli(
            ["test", "--shard", f"{index}/2", "--app-dir", str(app),
             "--record", str(work / "deployment.json"), "--results-dir", str(tmp_path / "results")],
            tmp_path,
            shard_env,
            tmp_path / f"shard-{index}.log",
        )
        for index in (1, 2)
    }  # fmt: skip
    eventually(marker.exists, timeout=120, description="the blocking test starting")
    killed = int(marker.read_text().split("/")[0])
    survivor = 3 - killed
    os.killpg(shards[killed].pid, signal.SIGKILL)  # the runner and its pytest child, mid-test
    assert shards[killed].wait(timeout=30) == -signal.SIGKILL
    assert shards[survivor].wait(timeout=120) == 0, (tmp_path / f"shard-{survivor}.log").read_text()

    reported = cli(
        ["report", "--results-dir", str(tmp_path / "results"), "--record", str(work / "deployment.json"),
         "--shards", "2", "--no-comment", "--app-dir", str(app), "--output", str(tmp_path / "report.md")],
        tmp_path,
        env,
    )  # fmt: skip
    assert reported.returncode == 1, output_of(reported)
    report = (tmp_path / "report.md").read_text()
    owed = len(json.loads((tmp_path / "results" / f"shard-{killed}.plan.json").read_text())["nodeids"])
    assert f"**missing shard**: shard {killed}/2 — {owed} planned tests did not report" in report, report
    assert "| 2 | 0 | 0 | 0 | 0 | 2 | 4 |" in report  # the survivor's results are all there
    assert "Traceback" not in reported.stderr

    destroyed = cli(["destroy", "--work-dir", str(work)], tmp_path, env)
    assert destroyed.returncode == 0, output_of(destroyed)
    assert "destroyed 1 stack(s), 0 leftovers" in destroyed.stdout
    assert live_stacks(endpoint) == []
