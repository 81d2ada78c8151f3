"""Which test a result names: pytest node ids (with or without plans), other producers' class and
name, tests sharing a title or inherited by two classes, and where a failure is located."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runner.report.junit import merge_results
from runner.report.junit.location import locate
from runner.report.junit.nodeid import NodeIdResolver, mangle

from .shard_files import CORPUS, FIXTURES


def test_other_producers_get_classname_and_name_as_identity(tmp_path: Path) -> None:
    for name in ("jest_junit.xml", "surefire.xml", "xunit_net.xml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    merged = merge_results(tmp_path)
    failed = {failure.nodeid for failure in merged.failures}
    assert "reservations rejects duplicates" in failed
    assert "com.example.shop.ReservationTest::rejectsDuplicate" in failed
    assert "Shop.Tests.ReservationTests::RejectsDuplicate" in failed
    assert merged.durations_by_nodeid == {}  # the store feeds pytest sharding: pytest node ids only
    jest_failure = next(f for f in merged.failures if f.nodeid == "reservations rejects duplicates")
    assert jest_failure.file == "/home/runner/work/shop/shop/test/reservations.test.ts"
    assert jest_failure.line == 42


def test_pytest_names_map_back_to_node_ids_without_plans() -> None:
    resolver = NodeIdResolver()
    assert (
        resolver.resolve("tests.test_x.TestC", "test_y[p.q]", None, True)
        == "tests/test_x.py::TestC::test_y[p.q]"
    )
    assert resolver.resolve("tests.test_x", "test_z", None, True) == "tests/test_x.py::test_z"
    assert resolver.resolve("test_x", "test_z", "test_x.py", False) == "test_x.py::test_z"


node_part = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=8)
param = st.text(alphabet="abc01.-:/[] ", max_size=10)


@given(
    directories=st.lists(st.sampled_from(["tests", "sub.pkg", "a-b", "x"]), min_size=0, max_size=3),
    module=node_part,
    classes=st.lists(node_part.map(str.capitalize), max_size=2),
    name=node_part,
    parameter=st.none() | param,
)
def test_planned_node_ids_always_resolve_exactly(
    directories: list[str], module: str, classes: list[str], name: str, parameter: str | None
) -> None:
    nodeid = "::".join(["/".join([*directories, f"test_{module}.py"]), *classes, f"test_{name}"])
    if parameter is not None:
        nodeid += f"[{parameter}]"
    decoy = nodeid.replace(".py", "/Decoy.py", 1)
    resolver = NodeIdResolver([decoy, nodeid])
    classname, test_name = mangle(nodeid)
    assert resolver.resolve(classname, test_name, None, True) == nodeid


@pytest.mark.parametrize(
    ("text", "nodeid", "expected"),
    [
        (
            "conftest.py:10: in fixture\n    x\ntests/test_a.py:7: in test_one\n"
            "    y\nlib/helper.py:3: AssertionError",
            "tests/test_a.py::test_one",
            ("tests/test_a.py", 7),
        ),
        ("lib/helper.py:3: AssertionError", "tests/test_a.py::test_one", ("lib/helper.py", 3)),
        ("    at Object.<anonymous> (src/cart.test.js:12:5)", "cart adds", ("src/cart.test.js", 12)),
        ("no frames here", "tests/test_a.py::test_one", ("tests/test_a.py", None)),
        ("no frames here", "Suite::Case", (None, None)),
    ],
)
def test_failure_location_prefers_the_tests_own_frame(
    text: str, nodeid: str, expected: tuple[str | None, int | None]
) -> None:
    assert locate(text, nodeid, None, None)[:2] == expected


def test_tests_sharing_a_title_outside_pytest_are_distinct_and_not_flaky(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "mocha" / "same_title_distinct_tests.xml", tmp_path / "mocha.xml")
    shutil.copy(CORPUS / "nameless" / "nameless_testcases.xml", tmp_path / "nameless.xml")
    merged = merge_results(tmp_path)
    assert (merged.counts.total, merged.counts.passed, merged.counts.flaky) == (15, 11, 0)
    assert merged.counts.errors == 4
    assert all(failure.attempts == 1 for failure in merged.failures)
    assert merged.problems == ()


def test_tests_inherited_by_two_classes_keep_two_identities(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "pytest" / "inherited_tests.xml", tmp_path / "shard-1.xml")
    merged = merge_results(tmp_path)
    assert merged.problems == ()
    assert "tests/test_dynamo.py::TestDynamoStore::test_delete" in merged.durations_by_nodeid
    assert "tests/test_s3.py::TestS3Store::test_delete" in merged.durations_by_nodeid
