"""Test results (JUnit, NUnit 2/3, xUnit.net, TRX): streaming parse, merge across shards, check
against shard plans, merged JUnit file."""

from runner.report.junit.merge import merge_files, merge_results
from runner.report.junit.model import (
    Counts,
    FailureDetail,
    FileSummary,
    MergedResults,
    Outcome,
    Problem,
    ProblemKind,
    ResultFormat,
)
from runner.report.junit.writer import write_merged_junit

__all__ = [
    "Counts",
    "FailureDetail",
    "FileSummary",
    "MergedResults",
    "Outcome",
    "Problem",
    "ProblemKind",
    "ResultFormat",
    "merge_files",
    "merge_results",
    "write_merged_junit",
]
