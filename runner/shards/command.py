"""`serverless-pr-test test --shard i/N`: this shard's tests, balanced by recorded durations."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from runner import gha
from runner.cli.options import require_writable
from runner.shards.plan import GroupBy, ShardSpec
from runner.shards.run_shard import ShardRequest, default_record_file, run_shard


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shard", default="1/1", metavar="i/N", help="which shard to run (default 1/1)")
    parser.add_argument(
        "--app-dir", type=Path, default=Path(), help="directory of the app (default: current directory)"
    )
    parser.add_argument(
        "--tests", default="tests", help="test path inside the app directory (default: tests)"
    )
    parser.add_argument(
        "--record",
        type=Path,
        help="deployment record (default: $SPT_RECORD_FILE, else <work-dir>/deployment.json if present)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path(".serverless-pr-test"),
        help="where deploy wrote its record (default: .serverless-pr-test)",
    )
    parser.add_argument("--durations", type=Path, help="durations store {nodeid: seconds} (JSON)")
    parser.add_argument(
        "--group-by",
        choices=("module", "class", "none"),
        default="none",
        help="keep each module or class on one shard (default none; @pytest.mark.spt_group always kept)",
    )
    parser.add_argument(
        "--results-dir", type=Path, default=Path("results"), help="JUnit and plan output (default: results)"
    )
    # Arguments after a bare `--` reach execute() as args.passthrough (split off in runner.cli.main.main).


def execute(args: argparse.Namespace) -> int:
    shard = ShardSpec.parse(args.shard)
    require_writable(args.results_dir, "--results-dir", directory=True)
    record = args.record or default_record_file(os.environ, args.work_dir)
    if record is None:
        print("No deployment record found: tests run without stack outputs (`stack` fixture unavailable).")
    pytest_args = tuple(getattr(args, "passthrough", ()))
    request = ShardRequest(
        shard=shard,
        app_dir=args.app_dir,
        results_dir=args.results_dir,
        tests=args.tests,
        record_file=record,
        durations_file=args.durations,
        group_by=GroupBy(args.group_by),
        pytest_args=pytest_args,
    )
    with gha.group(f"Tests, shard {shard}"):
        result = run_shard(request)
    print(result.summary())
    print(result.files())
    return result.exit_code
