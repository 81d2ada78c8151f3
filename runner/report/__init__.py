"""Rendering the report: Markdown for the PR comment and job summary, plain text for a terminal."""

from runner.report.build import ReportInputs, build_report
from runner.report.markdown import COMMENT_BUDGET, SUMMARY_BUDGET, Budget, render_markdown
from runner.report.model import Phase, Report, RunInfo
from runner.report.publish import PublishOptions, publish_report, report_run
from runner.report.terminal import render_terminal

__all__ = [
    "COMMENT_BUDGET",
    "SUMMARY_BUDGET",
    "Budget",
    "Phase",
    "PublishOptions",
    "Report",
    "ReportInputs",
    "RunInfo",
    "build_report",
    "publish_report",
    "render_markdown",
    "render_terminal",
    "report_run",
]
