"""`serverless-pr-test test --shard i/N` and `run_shard`, with real pytest subprocesses."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from defusedxml import ElementTree

from runner.record import DeployedStack, DeploymentRecord
from runner.report.junit import merge_results
from runner.shards.plan import ShardSpec
from runner.shards.run_shard import ShardRequest, run_shard
from runner.shards.slices import PlanSlice, planned_nodeids
from tests.support.cli import run_cli


def make_app(root: Path, tests: dict[str, str]) -> Path:
    (root / "tests").mkdir(parents=True)
    for name, body in tests.items():
        (root / "tests" / f"{name}.py").write_text(body)
    return root


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(["test", *args], cwd, None)


ENV_TEST = """
import json, os

def test_outputs_and_shard_are_in_the_environment(stack):
    assert os.environ["SPT_OUTPUT_TABLE_NAME"] == "orders"
    assert json.load(open(os.environ["SPT_OUTPUTS_FILE"])) == {"TableName": "orders"}
    assert os.environ["SPT_SHARD"] in ("1/2", "2/2")
    assert os.environ["SPT_RUN_ID"].startswith("run-9-")
    assert stack["TableName"] == "orders"

def test_second(): pass
def test_third(): pass
"""


def test_shards_write_junit_and_plans_that_prove_one_complete_run(tmp_path):
    app = make_app(tmp_path / "app", {"test_env": ENV_TEST})
    record = tmp_path / "deployment.json"
    DeploymentRecord(
        "org/shop", 9, "abc", "run-9", "us-east-1", None,
        (DeployedStack("shop-pr-9", "CREATE_COMPLETE", {"TableName": "orders"}),), {}, "2026-11-21T06:00:00Z",
    ).write(record)  # fmt: skip
    results = tmp_path / "results"
    for index in (1, 2):
        completed = cli(
            "--shard", f"{index}/2", "--app-dir", str(app), "--record", str(record),
            "--results-dir", str(results), cwd=tmp_path,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stdout + completed.stderr
        assert f"shard {index}/2:" in completed.stdout
    slices = [PlanSlice.read(results / f"shard-{index}.plan.json") for index in (1, 2)]
    merged = merge_results(results)
    assert merged.problems == ()
    assert not merged.failed
    assert merged.planned_total == 3
    reported = {
        case.get("name")
        for index in (1, 2)
        for case in ElementTree.parse(results / f"shard-{index}.xml").getroot().iter("testcase")
    }
    assert reported == {"test_outputs_and_shard_are_in_the_environment", "test_second", "test_third"}
    assert (
        set(merged.durations_by_nodeid) == planned_nodeids(results) == {n for p in slices for n in p.nodeids}
    )


def test_an_extra_shard_passes_with_no_tests_and_a_valid_junit(tmp_path):
    app = make_app(tmp_path / "app", {"test_one": "def test_only(): pass\n"})
    completed = cli("--shard", "2/2", "--app-dir", str(app), "--results-dir", "out", cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no tests for this shard" in completed.stdout
    suite = ElementTree.parse(tmp_path / "out" / "shard-2.xml").getroot().find("testsuite")
    assert suite.get("tests") == "0"
    assert PlanSlice.read(tmp_path / "out" / "shard-2.plan.json").nodeids == ()


def test_failing_tests_fail_the_shard_and_pytest_args_pass_through(tmp_path):
    app = make_app(tmp_path / "app", {"test_mixed": "def test_ok(): pass\ndef test_bad(): assert False\n"})
    completed = cli("--app-dir", str(app), "--results-dir", "out", "--", "-k", "bad", cwd=tmp_path)
    assert completed.returncode == 1
    assert "1 failed" in completed.stdout
    assert PlanSlice.read(tmp_path / "out" / "shard-1.plan.json").nodeids == (
        "tests/test_mixed.py::test_bad",
    )


def test_bad_input_is_one_line_and_a_nonzero_exit(tmp_path):
    completed = cli("--shard", "3/2", cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == ["Error: shard must be i/N with 1 <= i <= N, got 3/2"]
    missing = cli("--app-dir", str(tmp_path), cwd=tmp_path)
    assert missing.returncode == 2
    assert "test path" in missing.stderr


def test_run_shard_runs_shards_in_parallel_with_logs_per_shard(tmp_path):
    tests = {f"test_m{m}": "".join(f"def test_{t}(): pass\n" for t in range(3)) for m in range(3)}
    app = make_app(tmp_path / "app", tests)
    requests = [
        ShardRequest(
            shard=ShardSpec(index, 3),
            app_dir=app,
            results_dir=tmp_path / "results",
            log_file=tmp_path / "results" / f"shard-{index}.log",
            run_id="shared-run",
            # The shard loads the plugin itself, even where plugin autoloading is off.
            env={"PATH": "/usr/bin:/bin", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        )
        for index in (1, 2, 3)
    ]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(run_shard, requests))
    assert [r.exit_code for r in results] == [0, 0, 0]
    assert [r.planned_tests for r in results] == [3, 3, 3]
    assert all(r.reported for r in results)
    assert "3 passed" in results[0].log_file.read_text()
    merged = merge_results(results[0].junit_file.parent)
    assert merged.problems == ()
    assert (merged.planned_total, merged.shard_total) == (9, 3)
