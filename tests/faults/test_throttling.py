"""Throttling on 30% of AWS calls (3): deploy (the CDK CLI too), the test helpers, the report's
cost reads and destroy all go through a proxy that refuses a seeded 30% of requests with each
protocol's throttling error or a 503, and must retry their way to the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import cli, cli_env, live_stacks, output_of
from .throttling_proxy import ThrottlingProxy


@pytest.fixture
def proxy(endpoint) -> Iterator[ThrottlingProxy]:
    running = ThrottlingProxy(endpoint.url, share=0.3, seed=20261121).start()
    yield running
    running.stop()


def test_deploy_helpers_report_and_destroy_ride_out_throttling_on_30_percent_of_calls(
    endpoint, proxy, make_app, tmp_path
):
    app, work = make_app(), tmp_path / "work"
    env = cli_env(endpoint, AWS_ENDPOINT_URL=proxy.url)
    through_proxy = ["--endpoint-url", proxy.url]

    deployed = cli(
        ["deploy", str(app), *through_proxy, "--pr", "603", "--work-dir", str(work)], tmp_path, env
    )
    assert deployed.returncode == 0, output_of(deployed)
    deploy_throttled = sum(proxy.throttled.values())
    assert proxy.throttled["cloudformation"] > 0
    assert proxy.throttled["s3"] > 0  # the CDK CLI's asset uploads were refused too, and retried

    tested = cli(
        ["test", "--shard", "1/1", "--app-dir", str(app), "--tests", "tests_helpers",
         "--record", str(work / "deployment.json"), "--results-dir", str(tmp_path / "results")],
        tmp_path,
        env,
    )  # fmt: skip
    assert tested.returncode == 0, output_of(tested)
    assert proxy.throttled["events"] + proxy.throttled["sqs"] > 0

    before_report = sum(proxy.throttled.values())
    reported = cli(
        ["report", "--results-dir", str(tmp_path / "results"), "--record", str(work / "deployment.json"),
         "--no-comment", "--output", str(tmp_path / "report.md")],
        tmp_path,
        env,
    )  # fmt: skip
    assert reported.returncode == 0, output_of(reported)
    report = (tmp_path / "report.md").read_text()
    assert "## ✅ Passed: 2 tests" in report
    assert "| Lambda |" in report  # the cost was read (CloudWatch, CloudFormation) through the proxy
    assert sum(proxy.throttled.values()) > before_report

    destroyed = cli(["destroy", "--work-dir", str(work)], tmp_path, env)
    assert destroyed.returncode == 0, output_of(destroyed)
    assert "destroyed 1 stack(s), 0 leftovers" in destroyed.stdout
    assert live_stacks(endpoint) == []
    total = sum(proxy.throttled.values()) + sum(proxy.forwarded.values())
    assert 0.2 < sum(proxy.throttled.values()) / total < 0.4, (proxy.throttled, proxy.forwarded)
    assert deploy_throttled > 0
