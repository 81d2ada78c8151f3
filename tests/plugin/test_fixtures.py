"""The plugin's fixtures in real pytest sessions: stack, correlation_id, isolation_key."""

from __future__ import annotations

import re

import pytest
from defusedxml import ElementTree

from runner.record import DeployedStack, DeploymentRecord


def write_record(path, endpoint_url="http://localhost:4599"):
    DeploymentRecord(
        repository="org/shop",
        pr_number=7,
        commit="abc",
        run_id="run-9",
        region="eu-west-1",
        endpoint_url=endpoint_url,
        stacks=(
            DeployedStack("shop-pr-7-data", "CREATE_COMPLETE", {"TableName": "orders", "Url": "u1"}),
            DeployedStack("shop-pr-7-api", "CREATE_COMPLETE", {"Url": "u2"}, ("shop-pr-7-data",)),
        ),
        tags={"serverless-pr-test:managed": "true", "serverless-pr-test:pr": "7"},
        deployed_at="2026-11-21T06:00:00Z",
    ).write(path)
    return path


def test_tests_that_need_a_stack_fail_early_when_none_is_known(pytester):
    pytester.makepyfile("def test_uses_stack(stack): pass\ndef test_plain(): pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*use the `stack` fixture but no stack is known: pass --spt-record PATH*"])


def test_tests_without_stack_fixtures_need_no_stack(pytester):
    pytester.makepyfile("def test_plain(correlation_id, isolation_key): assert correlation_id\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_stack_reads_outputs_region_and_endpoint_from_the_record(pytester):
    record = write_record(pytester.path / "deployment.json")
    pytester.makepyfile(
        """
        import pytest

        def test_outputs(stack):
            assert stack.outputs == {
                "TableName": "orders", "shop-pr-7-data.Url": "u1", "shop-pr-7-api.Url": "u2"
            }
            assert stack["TableName"] == "orders"
            assert stack.stack_names == ("shop-pr-7-data", "shop-pr-7-api")
            assert stack.region == "eu-west-1"
            assert stack.endpoint_url == "http://localhost:4599"
            with pytest.raises(KeyError, match="'Url' not found; outputs: TableName, shop-pr-7-api.Url"):
                stack.output("Url")

        def test_clients_are_bound_to_the_endpoint_and_shared(stack):
            client = stack.client("sqs")
            assert client.meta.endpoint_url == "http://localhost:4599"
            assert client.meta.region_name == "eu-west-1"
            assert stack.client("sqs") is client

        def test_temporary_resources_carry_the_managed_tags(stack, spt_run_id):
            tags = stack.resource_tags()
            assert tags["serverless-pr-test:managed"] == "true"
            assert tags["serverless-pr-test:pr"] == "7"
            assert tags["serverless-pr-test:run-id"] == spt_run_id
            assert "serverless-pr-test:expires-at" in tags
        """
    )
    pytester.runpytest(f"--spt-record={record}").assert_outcomes(passed=3)


def test_the_record_can_come_from_the_environment(pytester, monkeypatch):
    monkeypatch.setenv("SPT_RECORD_FILE", str(write_record(pytester.path / "deployment.json")))
    pytester.makepyfile("def test_outputs(stack): assert stack['TableName'] == 'orders'\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_correlation_ids_are_per_test_deterministic_and_recorded_in_junit(pytester, monkeypatch):
    monkeypatch.setenv("SPT_RUN_ID", "gh 123/2")
    pytester.makepyfile(
        """
        seen = {}

        def test_one(correlation_id, spt_run_id):
            assert spt_run_id == "gh-123-2"
            assert correlation_id.startswith("gh-123-2-")
            seen["one"] = correlation_id

        def test_two(correlation_id):
            assert correlation_id != seen["one"]
        """
    )
    ids = []
    for attempt in (1, 2):
        junit = pytester.path / f"junit-{attempt}.xml"
        pytester.runpytest(f"--junitxml={junit}", "-o", "junit_family=xunit2").assert_outcomes(passed=2)
        root = ElementTree.parse(junit).getroot()
        properties = {
            case.get("name"): prop.get("value")
            for case in root.iter("testcase")
            for prop in case.iter("property")
            if prop.get("name") == "correlation_id"
        }
        assert set(properties) == {"test_one", "test_two"}
        ids.append(properties)
    assert ids[0] == ids[1]


def test_isolation_keys_differ_per_test_and_name_the_shard(pytester, monkeypatch):
    monkeypatch.setenv("SPT_RUN_ID", "r1")
    pytester.makepyfile(
        """
        import pytest

        keys = []

        @pytest.mark.parametrize("n", range(3))
        def test_key(isolation_key, n):
            assert isolation_key.startswith("r1-s1of1-")
            assert isolation_key not in keys
            keys.append(isolation_key)
        """
    )
    pytester.runpytest("--spt-shard=1/1").assert_outcomes(passed=3)


def test_without_a_run_id_each_session_gets_a_fresh_one(pytester):
    pytester.makepyfile("def test_id(spt_run_id): print('RUN=' + spt_run_id)\n")
    first = pytester.runpytest("-s").stdout.str()
    second = pytester.runpytest("-s").stdout.str()
    run_ids = re.findall(r"RUN=(local-[0-9a-f]+)", first + second)
    assert len(run_ids) == 2
    assert run_ids[0] != run_ids[1]


def test_a_project_fixture_named_stack_overrides_ours_without_a_usage_error(pytester):
    pytester.makeconftest("import pytest\n\n@pytest.fixture\ndef stack():\n    return 'mine'\n")
    pytester.makepyfile("def test_own(stack): assert stack == 'mine'\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_stack_requested_at_run_time_without_a_source_fails_clearly(pytester):
    pytester.makepyfile("def test_dynamic(request): request.getfixturevalue('stack')\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*serverless-pr-test: no stack is known: pass --spt-record PATH*"])
