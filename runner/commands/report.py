"""`serverless-pr-test report`: merge the shards' results, price the run, publish the report."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "merge shard results, check them against the plans, estimate cost, write the report and PR comment"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results-dir", type=Path, default=Path("results"), help="shard-<i>.xml and plans")
    parser.add_argument(
        "--record",
        type=Path,
        help="deployment record (default: $SPT_RECORD_FILE, else <work-dir>/deployment.json if present)",
    )
    parser.add_argument(
        "--work-dir", type=Path, default=Path(".serverless-pr-test"), help="where deploy wrote its record"
    )
    parser.add_argument("--durations", type=Path, help="durations store to rewrite from this run's results")
    parser.add_argument("--shards", type=int, help="how many shards ran (default: from the shard plans)")
    parser.add_argument(
        "--output", type=Path, default=Path("report.md"), help="report file (default report.md)"
    )
    parser.add_argument(
        "--merged-junit", type=Path, help="also write every shard's results as one JUnit file here"
    )
    parser.add_argument(
        "--app-dir",
        type=Path,
        help="where the tests ran (their file paths start there; default: current dir)",
    )
    parser.add_argument(
        "--stack-prefix", help="app name for the comment marker (default: from the stack names)"
    )
    parser.add_argument(
        "--pr", help="pull request to comment on (default: the record's, else the GitHub event's)"
    )
    parser.add_argument(
        "--comment", action=argparse.BooleanOptionalAction, default=True, help="upsert the sticky PR comment"
    )
    parser.add_argument(
        "--cost", action=argparse.BooleanOptionalAction, default=True, help="estimate the run's cost"
    )


def execute(args: argparse.Namespace) -> int:
    import os

    from runner import gha
    from runner.commands.common import require_writable
    from runner.context import RunContext
    from runner.errors import ConfigError
    from runner.limits import shard_count
    from runner.record import DeploymentRecord
    from runner.report import render_terminal
    from runner.report.build import ReportInputs, build_report
    from runner.report.publish import PublishOptions, publish_report
    from runner.shard_run import default_record_file

    if args.shards is not None:
        shard_count(args.shards, "--shards")
    require_writable(args.output, "--output")
    if args.durations is not None:
        require_writable(args.durations, "--durations")
    if args.merged_junit is not None:
        require_writable(args.merged_junit, "--merged-junit")
    record_path = args.record or default_record_file(os.environ, args.work_dir)
    record = None
    record_problem = None
    if record_path is not None:
        try:
            record = DeploymentRecord.read(record_path)
        except ConfigError as error:
            # The tests' results still deserve a report when the deploy left no usable record.
            record_problem = str(error)
            gha.annotation("warning", f"no cost estimate: {error}", title="serverless-pr-test report")
    context = RunContext.detect(os.environ, Path.cwd(), pr_override=args.pr)
    inputs = ReportInputs(
        results_dir=args.results_dir,
        record=record,
        context=context,
        expected_shards=args.shards,
        stack_prefix=args.stack_prefix,
        estimate_cost=args.cost,
        record_problem=record_problem,
        pr_number=context.pr_number if args.pr else None,
    )
    report = build_report(inputs, env=os.environ)
    workspace = os.environ.get("GITHUB_WORKSPACE")
    options = PublishOptions(
        results_dir=args.results_dir,
        output=args.output,
        durations=args.durations,
        merged_junit=args.merged_junit,
        comment=args.comment,
        workspace=Path(workspace) if workspace else Path.cwd(),
        tests_root=args.app_dir or Path.cwd(),
        is_fork=context.is_fork,
    )
    exit_code = publish_report(report, options)
    print(render_terminal(report), flush=True)
    print(f"Report written to {args.output}", flush=True)
    return exit_code
