"""Shard result files and plan slices written the way `test --shard` writes them, and the corpora of
other producers' result files."""

from __future__ import annotations

from pathlib import Path

from runner.report.junit.nodeid import mangle
from runner.shards.plan import ShardSpec, plan_hash
from runner.shards.slices import PlanSlice

FIXTURES = Path(__file__).parents[2] / "fixtures" / "junit"
CORPUS = Path(__file__).parents[2] / "fixtures" / "results"


def case_xml(nodeid: str, outcome: str = "passed", seconds: float = 0.5) -> str:
    classname, name = mangle(nodeid)
    body = {
        "passed": "",
        "failed": f'<failure message="assert 1 == 2">{nodeid.split("::")[0]}:7: AssertionError</failure>',
        "error": '<error message="fixture broke">boom</error>',
        "skipped": '<skipped message="later"/>',
    }[outcome]
    return f'<testcase classname="{classname}" name="{name}" time="{seconds}">{body}</testcase>'


def write_shard(directory: Path, index: int, cases: list[str]) -> None:
    (directory / f"shard-{index}.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">'
        '<testsuite name="pytest" timestamp="2026-11-21T06:00:00+00:00" time="3.0">'
        + "".join(cases)
        + "</testsuite></testsuites>",
        encoding="utf-8",
    )


def write_plans(directory: Path, shards: list[list[str]], hash_override: str | None = None) -> None:
    digest = hash_override or plan_hash(shards)
    total = sum(len(nodeids) for nodeids in shards)
    for index, nodeids in enumerate(shards, 1):
        PlanSlice(ShardSpec(index, len(shards)), digest, total, tuple(nodeids), 1.0, "none").write(
            directory / f"shard-{index}.plan.json"
        )


PLAN = [
    ["tests/test_a.py::test_one", "tests/test_a.py::TestGroup::test_two[x-1]"],
    ["tests/test_b.py::test_three", "tests/sub/test_c.py::test_four[a.b]"],
    ["tests/test_d.py::test_five"],
]


def all_passing(directory: Path) -> None:
    write_plans(directory, PLAN)
    for index, nodeids in enumerate(PLAN, 1):
        write_shard(directory, index, [case_xml(nodeid) for nodeid in nodeids])
