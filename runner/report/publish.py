"""Put a built Report everywhere it belongs: report.md, the job summary, annotations, the durations
store, the merged JUnit file, $GITHUB_OUTPUT and the sticky PR comment. Returns the exit code."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from runner import gha
from runner.github.comment import CommentMode
from runner.report.annotations import annotation_location, report_annotations
from runner.report.build import ReportInputs, build_report
from runner.report.github_outputs import GithubOutputs, publish_to_github
from runner.report.junit import write_merged_junit
from runner.report.markdown import COMMENT_BUDGET, SUMMARY_BUDGET, Budget, render_markdown
from runner.report.model import Report
from runner.shards.durations import refresh_store
from runner.shards.slices import planned_nodeids

CHECK_BUDGET = Budget(chars=65_000, bytes=260_000)  # a check run's summary: at most 65,535 characters


@dataclass(frozen=True)
class PublishOptions:
    results_dir: Path
    output: Path = Path("report.md")
    durations: Path | None = None
    merged_junit: Path | None = None
    comment: bool = True
    comment_mode: CommentMode = CommentMode.ALWAYS
    check_run: bool = False  # the report command turns it on (--check-run); `run` never posts one
    workspace: Path | None = None  # default: $GITHUB_WORKSPACE, else the current directory
    tests_root: Path | None = None  # where pytest ran: its relative paths start there
    is_fork: bool = False


def publish_report(report: Report, options: PublishOptions, env: Mapping[str, str] | None = None) -> int:
    environment = os.environ if env is None else env
    summary_markdown = render_markdown(report, SUMMARY_BUDGET)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(summary_markdown, encoding="utf-8")
    gha.append_summary(summary_markdown, environment)
    workspace = options.workspace or Path(environment.get("GITHUB_WORKSPACE") or Path.cwd())
    _annotate(report, workspace, options.tests_root)
    if options.durations is not None:
        planned = planned_nodeids(options.results_dir) if report.results.planned_total is not None else None
        refresh_store(
            options.durations,
            report.results.durations_by_nodeid,
            planned,
            warn=lambda message: gha.annotation("warning", message),
        )
    if options.merged_junit is not None:
        write_merged_junit(report.results.files, options.merged_junit, planned or ())
    github = _github(report, options, environment, summary_markdown, workspace)
    cost = f"{report.cost.run_usd:.6f}" if report.cost is not None else ""
    for name, value in (
        ("passed", "true" if report.passed else "false"),
        ("failed", str(report.results.counts.failed + report.results.counts.errors)),
        ("report-path", str(options.output)),
        ("cost", cost),
        ("comment-url", github.comment_url),
        ("check-url", github.check_url),
    ):
        gha.set_output(name, value, environment)
    return 0 if report.passed else 1


def _annotate(report: Report, workspace: Path | None, tests_root: Path | None) -> None:
    for note in report_annotations(report.results, workspace, tests_root):
        gha.annotation(note.level, note.message, file=note.file, line=note.line, title=note.title)


def _github(
    report: Report, options: PublishOptions, env: Mapping[str, str], summary: str, workspace: Path
) -> GithubOutputs:
    mode = options.comment_mode if options.comment else CommentMode.OFF
    if mode is CommentMode.OFF and not options.check_run:
        return GithubOutputs()
    return publish_to_github(
        report,
        env,
        comment_body=render_markdown(report, COMMENT_BUDGET),
        summary=render_markdown(report, CHECK_BUDGET),
        mode=mode,
        check_run=options.check_run,
        is_fork=options.is_fork,
        path_of=lambda failure: annotation_location(failure, workspace, options.tests_root),
    )


def report_run(
    inputs: ReportInputs, options: PublishOptions, env: Mapping[str, str] | None = None
) -> tuple[Report, int]:
    """Build, publish and return the report with its exit code (1: a test failed or results are
    incomplete). For `run`: call after the tests and BEFORE destroy (the cost reads the live stacks),
    then print `render_terminal(report)`."""
    environment = os.environ if env is None else env
    report = build_report(inputs, env=environment)
    return report, publish_report(report, options, environment)
