"""The plugin's sharding options, run through real pytest sessions (pytester)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from defusedxml import ElementTree

SUITE = {
    "test_alpha": """
        def test_a1(): pass
        def test_a2(): pass
        def test_a3(): pass
        """,
    "test_beta": """
        class TestBeta:
            def test_b1(self): pass
            def test_b2(self): pass
        def test_b3(): pass
        """,
}
ALL = {
    "test_alpha.py::test_a1",
    "test_alpha.py::test_a2",
    "test_alpha.py::test_a3",
    "test_beta.py::TestBeta::test_b1",
    "test_beta.py::TestBeta::test_b2",
    "test_beta.py::test_b3",
}


def _plans(pytester, count, *args):
    plans = []
    for index in range(1, count + 1):
        plan_file = pytester.path / f"shard-{index}.plan.json"
        result = pytester.runpytest(f"--spt-shard={index}/{count}", f"--spt-plan-out={plan_file}", *args)
        assert result.ret == pytest.ExitCode.OK
        plans.append(json.loads(plan_file.read_text()))
    return plans


def test_help_lists_every_option_in_one_group(pytester):
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "serverless-pr-test: PR stacks and sharding:",
            "*--spt-record=PATH*",
            "*--spt-stack-name=NAME*",
            "*--spt-shard=i/N*",
            "*--spt-durations=PATH*",
            "*--spt-group-by={module,class,none}*",
            "*--spt-plan-out=PATH*",
        ]
    )


def test_shards_run_every_test_exactly_once(pytester):
    pytester.makepyfile(**SUITE)
    plans = _plans(pytester, 3)
    planned = [nodeid for plan in plans for nodeid in plan["nodeids"]]
    assert sorted(planned) == sorted(ALL)
    assert len({plan["plan_hash"] for plan in plans}) == 1
    assert {plan["total_tests"] for plan in plans} == {6}


def test_a_shard_reports_what_it_runs(pytester):
    pytester.makepyfile(**SUITE)
    result = pytester.runpytest("--spt-shard=2/3")
    result.assert_outcomes(passed=2, deselected=4)
    result.stdout.fnmatch_lines(["serverless-pr-test: shard 2/3 runs 2 of 6 tests (estimated 2.0s*"])


def test_recorded_durations_give_a_slow_test_its_own_shard(pytester):
    pytester.makepyfile(**SUITE)
    durations = pytester.path / "durations.json"
    durations.write_text(json.dumps({nodeid: 30.0 if nodeid.endswith("b3") else 1.0 for nodeid in ALL}))
    plans = _plans(pytester, 2, f"--spt-durations={durations}")
    assert ["test_beta.py::test_b3"] in [plan["nodeids"] for plan in plans]


def test_group_by_module_keeps_each_module_on_one_shard(pytester):
    pytester.makepyfile(**SUITE)
    plans = _plans(pytester, 2, "--spt-group-by=module")
    modules = [{nodeid.split("::")[0] for nodeid in plan["nodeids"]} for plan in plans]
    assert sorted(map(sorted, modules)) == [["test_alpha.py"], ["test_beta.py"]]
    assert {plan["group_by"] for plan in plans} == {"module"}


def test_group_by_class_keeps_a_class_together(pytester):
    pytester.makepyfile(**SUITE)
    for plan in _plans(pytester, 3, "--spt-group-by=class"):
        methods = [n for n in plan["nodeids"] if "TestBeta" in n]
        assert methods in ([], ["test_beta.py::TestBeta::test_b1", "test_beta.py::TestBeta::test_b2"])


def test_named_groups_stay_together_across_modules(pytester):
    pytester.makepyfile(
        test_one="""
        import pytest

        @pytest.mark.spt_group("shared-table")
        def test_writer(): pass

        def test_other(): pass
        """,
        test_two="""
        import pytest

        @pytest.mark.spt_group("shared-table")
        def test_reader(): pass

        def test_more(): pass
        """,
    )
    together = {"test_one.py::test_writer", "test_two.py::test_reader"}
    for plan in _plans(pytester, 2):
        assert together <= set(plan["nodeids"]) or not together & set(plan["nodeids"])


def test_a_group_marker_without_a_name_is_a_usage_error(pytester):
    pytester.makepyfile("import pytest\n\n@pytest.mark.spt_group\ndef test_x(): pass\n")
    result = pytester.runpytest("--spt-shard=1/2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*spt_group needs a non-empty name*"])


def test_a_shard_without_tests_passes_with_a_clear_message_and_valid_junit(pytester):
    pytester.makepyfile("def test_only(): pass\n")
    junit = pytester.path / "shard-3.xml"
    result = pytester.runpytest("--spt-shard=3/3", f"--junitxml={junit}", "-o", "junit_family=xunit2")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*shard 3/3: no tests for this shard (1 test(s) over 3 shards); it passes*"])
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert suite.get("tests") == "0"


def test_an_empty_suite_still_fails_as_no_tests_collected(pytester):
    pytester.makepyfile("x = 1\n")
    result = pytester.runpytest("--spt-shard=1/2")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_keyword_selection_happens_before_planning(pytester):
    pytester.makepyfile(**SUITE)
    plans = _plans(pytester, 2, "-k", "alpha")
    planned = sorted(n for plan in plans for n in plan["nodeids"])
    assert planned == ["test_alpha.py::test_a1", "test_alpha.py::test_a2", "test_alpha.py::test_a3"]


def test_environment_variables_are_the_defaults(pytester, monkeypatch):
    pytester.makepyfile(**SUITE)
    plan_file = pytester.path / "plan.json"
    monkeypatch.setenv("SPT_SHARD", "1/2")
    monkeypatch.setenv("SPT_PLAN_OUT", str(plan_file))
    monkeypatch.setenv("SPT_GROUP_BY", "module")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.OK
    plan = json.loads(plan_file.read_text())
    assert plan["shard"] == {"index": 1, "count": 2}
    assert plan["group_by"] == "module"


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--spt-shard=5/4"], {}, "*--spt-shard*1 <= i <= N*5/4*"),
        (["--spt-shard=half"], {}, "*--spt-shard*i/N*"),
        ([], {"SPT_SHARD": "0/2"}, "*SPT_SHARD*"),
        ([], {"SPT_GROUP_BY": "files"}, "*SPT_GROUP_BY must be one of module, class, none*"),
        (["--spt-record=missing.json"], {}, "*deployment record*missing.json not found*"),
        (["--spt-group-by=files"], {}, "*invalid choice*"),
    ],
)
def test_bad_options_are_usage_errors_before_any_test_runs(pytester, monkeypatch, args, env, message):
    pytester.makepyfile("def test_x(): raise SystemExit('must not run')\n")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_bad_durations_file_is_a_usage_error(pytester):
    pytester.makepyfile("def test_x(): pass\n")
    (pytester.path / "durations.json").write_text("[]")
    result = pytester.runpytest("--spt-shard=1/1", "--spt-durations=durations.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--spt-durations*must hold a JSON object*"])


def test_without_options_the_plugin_changes_nothing(pytester):
    pytester.makepyfile(**SUITE)
    result = pytester.runpytest()
    result.assert_outcomes(passed=6)
    assert "serverless-pr-test:" not in result.stdout.str()


def test_importing_the_plugin_loads_no_aws_code_or_helpers():
    code = (
        "import sys, runner.pytest_plugin\n"
        "heavy = ('boto3', 'botocore', 'github', 'runner.testing', 'runner.aws')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"
