"""JUnit results: streaming parse, merge across shards, check against shard plans, merged file."""

from runner.junit.merge import merge_files, merge_results
from runner.junit.model import (
    Counts,
    FailureDetail,
    FileSummary,
    MergedResults,
    Outcome,
    Problem,
    ProblemKind,
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
    "ShardPlan",
    "merge_files",
    "merge_results",
    "write_merged_junit",
]
