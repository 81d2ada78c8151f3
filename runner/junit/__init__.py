"""Test results (JUnit, NUnit 2/3, xUnit.net, TRX): streaming parse, merge across shards, check
against shard plans, merged JUnit file."""

from runner.junit.merge import merge_files, merge_results
from runner.junit.model import (
    Counts,
    FailureDetail,
    FileSummary,
    MergedResults,
    Outcome,
    Problem,
    ProblemKind,
    ResultFormat,
)
from runner.junit.plans import ShardPlan
from runner.junit.writer import write_merged_junit

__all__ = [
    "Counts",
    "FailureDetail",
    "FileSummary",
    "MergedResults",
    "Outcome",
    "Problem",
    "ProblemKind",
    "ResultFormat",
    "ShardPlan",
    "merge_files",
    "merge_results",
    "write_merged_junit",
]
