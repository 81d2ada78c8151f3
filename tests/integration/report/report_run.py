"""What the report command tests share: a two-shard plan's results written as pytest would, the
report job's fake GitHub (the README's permissions exactly), and `report` run as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runner.github.permissions import permission_map
from runner.report.junit.nodeid import mangle
from runner.shards.plan import ShardSpec, plan_hash
from runner.shards.slices import PlanSlice

from .github_server import FakeGitHub

TOKEN = "ghs_report_token_secret"
PLAN = [
    ["tests/test_a.py::test_reserve", "tests/test_a.py::TestStock::test_low[1]"],
    ["tests/test_b.py::test_alert"],
]


HEAD_SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    # The report job's GITHUB_TOKEN, with exactly the permissions the README documents for it.
    server.grant_actions_token(TOKEN, permission_map().jobs["report"])
    yield server
    server.stop()
    assert server.violations == []


def write_results(directory: Path, failing: set[str], shards: list[int]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    digest = plan_hash(PLAN)
    for index, nodeids in enumerate(PLAN, 1):
        PlanSlice(ShardSpec(index, len(PLAN)), digest, 3, tuple(nodeids), 1.0, "none").write(
            directory / f"shard-{index}.plan.json"
        )
        if index not in shards:
            continue
        cases = []
        for nodeid in nodeids:
            classname, name = mangle(nodeid)
            failure = (
                f'<failure message="assert 2 == 1">{nodeid.split("::")[0]}:7: AssertionError</failure>'
                if nodeid in failing
                else ""
            )
            cases.append(f'<testcase classname="{classname}" name="{name}" time="1.5">{failure}</testcase>')
        (directory / f"shard-{index}.xml").write_text(
            '<testsuites name="pytest tests"><testsuite name="pytest" time="3.0" '
            f'timestamp="{datetime.now(UTC).isoformat()}">{"".join(cases)}</testsuite></testsuites>',
            encoding="utf-8",
        )


def write_test_files(root: Path) -> None:
    """The planned tests' files: an annotation names a file only where one exists."""
    for nodeid in (nodeid for shard in PLAN for nodeid in shard):
        path = root / nodeid.split("::")[0]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("def test():\n    pass\n", encoding="utf-8")


def run_report(
    workdir: Path, github: FakeGitHub, *args: str, record: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GITHUB_ACTIONS": "true",
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": github.url,
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_SHA": HEAD_SHA,
        "GITHUB_STEP_SUMMARY": str(workdir / "summary.md"),
        "GITHUB_OUTPUT": str(workdir / "outputs.txt"),
        "GITHUB_WORKSPACE": str(workdir),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "SPT_GITHUB_RETRIES": "1",
    }
    env.pop("GITHUB_EVENT_PATH", None)
    command = [sys.executable, "-m", "runner", "report", "--results-dir", "results", "--pr", "7",
               "--durations", "durations.json", "--merged-junit", "merged.xml", *args]  # fmt: skip
    if record is not None:
        command += ["--record", str(record)]
    return subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def outputs(workdir: Path) -> dict[str, str]:
    lines = (workdir / "outputs.txt").read_text(encoding="utf-8").splitlines()
    return {lines[i].split("<<")[0]: lines[i + 1] for i in range(0, len(lines), 3)}
