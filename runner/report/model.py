"""Everything one report shows, gathered before any rendering (rendering is pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from runner.report.cost.model import CostEstimate
from runner.report.junit.model import MergedResults

_PREFIX_UNSAFE = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class RunInfo:
    """Where the run comes from and where to look for more."""

    stack_prefix: str
    stack_names: tuple[str, ...]
    repository: str
    commit: str
    pr_number: int | None
    run_url: str | None = None
    summary_url: str | None = None
    server_url: str = "https://github.com"
    local: bool = False
    # GITHUB_REPOSITORY, the only source of links: a repository read from a git remote or a record
    # may be a local path or another host, and a link built from it would point anywhere.
    link_repository: str | None = None

    @property
    def marker(self) -> str:
        """The hidden line that identifies this app's sticky comment (one per stack prefix)."""
        prefix = _PREFIX_UNSAFE.sub("-", self.stack_prefix.lower()).strip("-") or "default"
        return f"<!-- serverless-pr-test:report prefix={prefix} -->"

    @property
    def commit_url(self) -> str | None:
        if not self.commit or self.commit == "unknown" or not self.link_repository:
            return None
        return f"{self.server_url}/{self.link_repository}/commit/{self.commit}"


@dataclass(frozen=True)
class Phase:
    name: str
    started_at: datetime
    seconds: float
    failed: bool = False


@dataclass(frozen=True)
class Report:
    results: MergedResults
    run: RunInfo
    generated_at: datetime
    deploy: Phase | None = None
    cost: CostEstimate | None = None
    cost_error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.results.failed

    @property
    def shard_phases(self) -> tuple[Phase, ...]:
        phases = []
        for summary in self.results.files:
            if summary.timing.started_at is None:
                continue
            label = f"shard {summary.shard_index}" if summary.shard_index is not None else "results"
            failed = summary.error is not None or summary.counts.failed + summary.counts.errors > 0
            phases.append(Phase(label, summary.timing.started_at, summary.timing.seconds, failed))
        return tuple(phases)
