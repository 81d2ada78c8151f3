"""Rendering the report: Markdown for the PR comment and job summary, plain text for a terminal."""

from runner.report.markdown import COMMENT_BUDGET, SUMMARY_BUDGET, Budget, render_markdown
from runner.report.model import Phase, Report, RunInfo
from runner.report.terminal import render_terminal

__all__ = [
    "COMMENT_BUDGET",
    "SUMMARY_BUDGET",
    "Budget",
    "Phase",
    "Report",
    "RunInfo",
    "render_markdown",
    "render_terminal",
]
