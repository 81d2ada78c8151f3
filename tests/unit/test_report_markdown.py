"""Rendering: escaping of untrusted text, the comment size budget, the marker and the timeline."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runner.report import (
    COMMENT_BUDGET,
    SUMMARY_BUDGET,
    Phase,
    Report,
    RunInfo,
    render_markdown,
    render_terminal,
)
from runner.report.cost.model import CostEstimate, CostLine, Service, Unpriced
from runner.report.escape import code_block, inline
from runner.report.junit import merge_results
from runner.report.junit.nodeid import mangle
from runner.report.sections import usd

NOW = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
RUN = RunInfo(
    stack_prefix="shop",
    stack_names=("shop-pr-7",),
    repository="acme/shop",
    commit="0123456789abcdef",
    pr_number=7,
    run_url="https://github.com/acme/shop/actions/runs/42",
    summary_url="https://github.com/acme/shop/actions/runs/42/attempts/1",
)


def write_failures(directory: Path, count: int, message: str, text: str) -> None:
    cases = []
    for index in range(count):
        classname, name = mangle(f"tests/test_load.py::TestLoad::test_case[{index}]")
        cases.append(
            f'<testcase classname="{classname}" name="{name}" time="0.01">'
            f'<failure message="{message}">{text}\n'
            f"tests/test_load.py:{index + 1}: AssertionError</failure></testcase>"
        )
    (directory / "shard-1.xml").write_text(
        '<testsuites><testsuite name="pytest" timestamp="2026-11-21T06:50:00+00:00" time="600">'
        + "".join(cases)
        + "</testsuite></testsuites>",
        encoding="utf-8",
    )


def sample_cost() -> CostEstimate:
    return CostEstimate(
        window_start=NOW - timedelta(minutes=12),
        window_end=NOW,
        region="us-east-1",
        currency="USD",
        prices_as_of="2026-11-01",
        lines=(
            CostLine(Service.LAMBDA, "shop-pr-7/Fn", "requests", 300, "requests", 0.00006),
            CostLine(Service.KMS, "shop-pr-7/Key", "key", 0.2, "unit-hours", 0.0003, True, 0.0329),
        ),
        unpriced=(Unpriced("shop-pr-7/Queue", "AWS::SQS::Queue", "no usage data: AWS/SQS message counts"),),
        notes=("a note",),
    )


def report_for(directory: Path, cost: CostEstimate | None = None) -> Report:
    deploy = Phase("deploy", NOW - timedelta(minutes=12), 90)
    return Report(merge_results(directory), RUN, NOW, deploy, cost, None if cost else "no deployment record")


def test_fifty_thousand_failures_fit_one_comment_with_marker_and_cut_notice(tmp_path: Path) -> None:
    write_failures(tmp_path, 50_000, "assert reserved == 3 &lt;b&gt;", "E" * 400)
    report = report_for(tmp_path, sample_cost())
    body = render_markdown(report, COMMENT_BUDGET)
    assert len(body) < 65_536
    assert len(body.encode("utf-8")) < 262_144
    assert body.startswith(RUN.marker)
    assert "## ❌ Failed: 50000 tests" in body
    assert "Shortened to fit a GitHub comment" in body
    assert "[job summary](https://github.com/acme/shop/actions/runs/42/attempts/1)" in body
    assert "more failures not shown here" in body
    assert "**$0.00036**" in body  # the cost summary survives the cuts
    assert "### Timeline" in body  # cut early, put back once fewer failures made room
    summary = render_markdown(report, SUMMARY_BUDGET)
    assert len(summary) > len(body)


def test_multibyte_text_is_held_to_the_byte_budget_too(tmp_path: Path) -> None:
    write_failures(tmp_path, 2_000, "😀" * 100, "界" * 2_000)
    body = render_markdown(report_for(tmp_path), COMMENT_BUDGET)
    assert len(body.encode("utf-8")) <= COMMENT_BUDGET.bytes
    assert body.startswith(RUN.marker)


def test_a_small_report_is_not_cut(tmp_path: Path) -> None:
    write_failures(tmp_path, 2, "boom", "trace")
    body = render_markdown(report_for(tmp_path, sample_cost()), COMMENT_BUDGET)
    assert "Shortened" not in body
    assert "```mermaid" in body
    assert "section Deploy" in body
    assert "| Lambda | $0.00006 |" in body
    assert "shop-pr-7/Queue" in body


def test_markers_differ_per_stack_prefix() -> None:
    other = RunInfo("Billing App", ("billing-pr-7",), "acme/shop", "c", 7)
    assert RUN.marker == "<!-- serverless-pr-test:report prefix=shop -->"
    assert other.marker == "<!-- serverless-pr-test:report prefix=billing-app -->"


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("<img src=x onerror=alert(1)>", "<img"),
        ("ping @octocat please", "@octocat"),
        ("[click](https://evil.example)", "[click](https"),
        ("a | b | c", "a | b"),
        ("line1\nline2", "line1\nline2"),
    ],
)
def test_inline_text_cannot_inject_markup(hostile: str, forbidden: str) -> None:
    assert forbidden not in inline(hostile)


def test_code_block_cannot_be_closed_by_its_content() -> None:
    text = "before\n```\n# escaped heading\n````\nafter"
    block = code_block(text)
    fence = block.split("\n", 1)[0]
    assert len(fence) == 5
    inner = block.split("\n")[1:-1]
    assert all(not line.startswith(fence) for line in inner)


def test_hostile_test_names_and_messages_stay_inert_in_the_report(tmp_path: Path) -> None:
    classname, name = mangle("tests/test_x.py::test_evil[<script>@team]")
    escaped_name = name.replace("<", "&lt;").replace(">", "&gt;")
    (tmp_path / "shard-1.xml").write_text(
        f'<testsuite name="pytest"><testcase classname="{classname}" name="{escaped_name}">'
        '<failure message="@org/admins ```&lt;/details&gt;">```\n@everyone</failure></testcase></testsuite>',
        encoding="utf-8",
    )
    body = render_markdown(report_for(tmp_path), COMMENT_BUDGET)
    assert "<script>" not in body
    assert "</details>" not in body
    # Inside the fenced block GitHub neither renders HTML nor notifies mentions; outside, none survive.
    blocks = re.findall(r"^(`{3,})python\n.*?^\1$", body, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1
    outside = re.sub(r"^(`{3,})python\n.*?^\1$", "", body, flags=re.MULTILINE | re.DOTALL)
    assert "@everyone" not in outside
    assert not re.search(r"@(team|org)\b", outside)


def test_a_failed_tests_output_and_properties_are_shown(tmp_path: Path) -> None:
    (tmp_path / "shard-1.xml").write_text(
        '<testsuite name="pytest"><testcase classname="tests.test_a" name="test_one">'
        '<properties><property name="correlation_id" value="cid-42"/></properties>'
        '<failure message="boom">tests/test_a.py:3: AssertionError</failure>'
        "<system-out>reserved sku-1 @team</system-out></testcase></testsuite>",
        encoding="utf-8",
    )
    body = render_markdown(report_for(tmp_path), COMMENT_BUDGET)
    assert "Captured output:\n```\nreserved sku-1 @team\n```" in body  # no language: it is not known
    assert "Properties: correlation_id=cid-42" in body  # nothing Markdown would change is escaped


def test_terminal_view_shows_status_failures_and_cost(tmp_path: Path) -> None:
    write_failures(tmp_path, 3, "assert reserved == 3", "trace")
    text = render_terminal(report_for(tmp_path, sample_cost()))
    assert text.startswith("FAILED: 3 tests (0 passed, 3 failed")
    assert "FAILED tests/test_load.py::TestLoad::test_case[0] [tests/test_load.py:1]" in text
    assert "cost: $0.00036 for this run" in text
    assert "$0.03/day" in text
    assert "shop-pr-7/Queue (AWS::SQS::Queue): no usage data" in text


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(0.0, "$0.00"), (1e-9, "< $0.000001"), (0.0000234, "$0.000023"), (0.004, "$0.004"), (12.345, "$12.35")],
)
def test_dollar_amounts_stay_readable_at_every_scale(amount: float, shown: str) -> None:
    assert usd(amount) == shown


@given(st.text(max_size=400))
def test_escaped_text_never_carries_markup_mentions_or_line_breaks(text: str) -> None:
    escaped = inline(text)
    assert "<" not in escaped
    assert ">" not in escaped
    assert "\n" not in escaped
    assert not re.search(r"@[A-Za-z0-9]", escaped)
    assert not re.search(r"(?<!\\)[`|\[\]]", escaped)


@given(st.text(alphabet="`~ab\n", max_size=200))
def test_no_text_can_close_its_code_block_early(text: str) -> None:
    block = code_block(text).split("\n")
    fence = block[0]
    assert block[-1] == fence
    assert all(not line.startswith(fence) for line in block[1:-1])


def test_links_come_from_github_repository_only_never_from_a_git_remote(tmp_path: Path) -> None:
    from runner.context import RunContext
    from runner.report.build import ReportInputs, build_report

    write_failures(tmp_path, 1, "boom", "trace")
    clone = RunContext("work/wt/reports", None, "0123456789abcdef", "local")  # a local remote path
    inputs = ReportInputs(tmp_path, context=clone, estimate_cost=False)
    local = render_markdown(build_report(inputs, env={"GITHUB_RUN_ID": "9"}, now=NOW))
    assert "/commit/" not in local
    assert "work/wt/reports" not in local
    assert "[workflow run]" not in local
    env = {"GITHUB_REPOSITORY": "acme/shop", "GITHUB_SERVER_URL": "https://ghe.example", "GITHUB_RUN_ID": "9"}
    linked = render_markdown(build_report(inputs, env=env, now=NOW))
    assert "(https://ghe.example/acme/shop/commit/0123456789abcdef)" in linked
    assert "[workflow run](https://ghe.example/acme/shop/actions/runs/9)" in linked


def test_counts_read_right_in_the_singular_and_the_plural(tmp_path: Path) -> None:
    write_failures(tmp_path, 1, "boom", "trace")
    (tmp_path / "broken.xml").write_text("<testsuite><testcase", encoding="utf-8")
    body = render_markdown(report_for(tmp_path))
    assert "## ❌ Failed: 1 test on 2 shards\n1 failed, 1 unreadable result file" in body
    text = render_terminal(report_for(tmp_path))
    assert text.startswith("FAILED: 1 test (0 passed, 1 failed, 0 errors, 0 skipped, 0 flaky)")
    assert "  shard 1: 1 test in" in text


def test_fences_carry_a_language_only_for_pytest_tracebacks(tmp_path: Path) -> None:
    corpus = Path(__file__).parents[1] / "fixtures" / "results"
    for name in ("xunit/v2_theories.xml", "pytest/xunit2_outcomes.xml"):
        (tmp_path / name.replace("/", "-")).write_bytes((corpus / name).read_bytes())
    body = render_markdown(report_for(tmp_path))
    assert body.count("```python\n") == 2  # the pytest failure and error
    assert "```\n   at Shop.Tests.PriceTests.Rounds(Decimal value" in body
