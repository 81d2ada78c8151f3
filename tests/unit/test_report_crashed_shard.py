"""A shard whose pytest dies leaves no JUnit file: the report names it with its exit and the test it
was running, and the `test` command never names a file that does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.report.junit import ProblemKind, merge_results
from runner.shards.plan import ShardSpec
from runner.shards.run_shard import ShardRequest, run_shard

CRASHING_TESTS = """
import os, signal

def test_first():
    pass

def test_crashes():
    {crash}

def test_never_reached():
    pass
"""


def crash_shard(tmp_path: Path, crash: str) -> tuple[Path, str]:
    app = tmp_path / "app"
    (app / "tests").mkdir(parents=True)
    (app / "tests" / "test_crash.py").write_text(CRASHING_TESTS.format(crash=crash), encoding="utf-8")
    results = tmp_path / "results"
    result = run_shard(ShardRequest(ShardSpec(1, 1), app, results, log_file=tmp_path / "shard.log"))
    assert not result.junit_file.exists()
    return results, result.files()


@pytest.mark.parametrize(
    ("crash", "how"),
    [
        ("os._exit(3)", "pytest exited with code 3"),
        ("os.kill(os.getpid(), signal.SIGKILL)", "pytest was killed by signal 9 (SIGKILL)"),
    ],
)
def test_a_crashed_shard_is_named_with_its_exit_and_the_test_it_was_running(
    tmp_path: Path, crash: str, how: str
) -> None:
    results, files_line = crash_shard(tmp_path, crash)
    expected = f"{how} while running tests/test_crash.py::test_crashes and wrote no result file"
    assert files_line == f"No JUnit file: {expected}"
    merged = merge_results(results)
    (problem,) = merged.problems
    assert problem.kind is ProblemKind.MISSING_SHARD
    assert problem.subject == "shard 1/1"
    assert problem.detail == f"3 planned tests did not report: {expected}"
    assert not (results / "shard-1.running").exists()
