"""Put a built Report everywhere it belongs: report.md, the job summary, annotations, the durations
store, the merged JUnit file, $GITHUB_OUTPUT and the sticky PR comment. Returns the exit code."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from runner import gha
from runner.report.build import ReportInputs, build_report
from runner.report.markdown import COMMENT_BUDGET, SUMMARY_BUDGET, render_markdown
from runner.report.model import Report


@dataclass(frozen=True)
class PublishOptions:
    results_dir: Path
    output: Path = Path("report.md")
    durations: Path | None = None
    merged_junit: Path | None = None
    comment: bool = True
    workspace: Path | None = None
    tests_root: Path | None = None  # where pytest ran: its relative paths start there
    is_fork: bool = False


def publish_report(report: Report, options: PublishOptions, env: Mapping[str, str] | None = None) -> int:
    environment = os.environ if env is None else env
    summary_markdown = render_markdown(report, SUMMARY_BUDGET)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(summary_markdown, encoding="utf-8")
    gha.append_summary(summary_markdown, environment)
    _annotate(report, options.workspace, options.tests_root)
    planned = _planned_nodeids(options.results_dir) if report.results.planned_total is not None else None
    if options.durations is not None:
        _write_durations(report, options.durations, planned)
    if options.merged_junit is not None:
        from runner.junit import write_merged_junit

        write_merged_junit(report.results.files, options.merged_junit, planned or ())
    if options.comment:
        _comment(report, options, environment)
    cost = f"{report.cost.run_usd:.6f}" if report.cost is not None else ""
    for name, value in (
        ("passed", "true" if report.passed else "false"),
        ("failed", str(report.results.counts.failed + report.results.counts.errors)),
        ("report-path", str(options.output)),
        ("cost", cost),
    ):
        gha.set_output(name, value, environment)
    return 0 if report.passed else 1


def _annotate(report: Report, workspace: Path | None, tests_root: Path | None) -> None:
    from runner.report.annotations import report_annotations

    for note in report_annotations(report.results, workspace, tests_root):
        gha.annotation(note.level, note.message, file=note.file, line=note.line, title=note.title)


def _write_durations(report: Report, path: Path, planned: set[str] | None) -> None:
    from runner.durations import load_durations, save_durations
    from runner.errors import ConfigError
    from runner.junit.timings import merged_store

    try:
        previous = load_durations(path)
    except ConfigError as error:
        gha.annotation("warning", f"durations store ignored and rewritten: {error}")
        previous = {}
    save_durations(path, merged_store(previous, report.results.durations_by_nodeid, planned))


def _planned_nodeids(results_dir: Path) -> set[str]:
    from runner.junit.merge import discover
    from runner.junit.parser import JUnitReadError
    from runner.junit.plans import ShardPlan

    planned: set[str] = set()
    for plan_file in discover(results_dir)[1]:
        try:
            planned.update(ShardPlan.read(plan_file).nodeids)
        except JUnitReadError:
            continue
    return planned


def _comment(report: Report, options: PublishOptions, env: Mapping[str, str]) -> None:
    from runner.comment import GithubConnection, publish

    connection = GithubConnection.from_env(env)
    gha.add_mask(connection.token)
    body = render_markdown(report, COMMENT_BUDGET)
    result = publish(
        connection,
        report.run.repository,
        report.run.pr_number,
        report.run.marker,
        body,
        is_fork=options.is_fork,
    )
    level = {"created": None, "updated": None, "skipped": "notice", "failed": "warning"}[result.outcome.value]
    if level is None:
        print(f"PR comment: {result.message} ({result.url})", flush=True)
    else:
        gha.annotation(level, f"PR comment not written: {result.message}", title="serverless-pr-test report")


def report_run(
    inputs: ReportInputs, options: PublishOptions, env: Mapping[str, str] | None = None
) -> tuple[Report, int]:
    """Build, publish and return the report with its exit code (1: a test failed or results are
    incomplete). For `run`: call after the tests and BEFORE destroy (the cost reads the live stacks),
    then print `render_terminal(report)`."""
    environment = os.environ if env is None else env
    report = build_report(inputs, env=environment)
    return report, publish_report(report, options, environment)
