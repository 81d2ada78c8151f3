"""A mermaid gantt chart of the run: deploy -> shards -> report (labels are ours, never user text)."""

from __future__ import annotations

from datetime import UTC, datetime

from runner.report.model import Phase, Report

_DATE = "%Y-%m-%d %H:%M:%S"


def gantt(report: Report) -> str | None:
    """None when nothing carries a start time (e.g. results without timestamps)."""
    shards = report.shard_phases
    if not shards and report.deploy is None:
        return None
    lines = ["```mermaid", "gantt", "    title Run timeline (UTC)", "    dateFormat YYYY-MM-DD HH:mm:ss",
             "    axisFormat %H:%M:%S"]  # fmt: skip
    if report.deploy is not None:
        lines += ["    section Deploy", _task("deploy", "deploy", report.deploy)]
    if shards:
        lines.append("    section Tests")
        lines += [_task(phase.name, f"s{index}", phase) for index, phase in enumerate(shards, 1)]
    lines += ["    section Report", f"    report :milestone, report, {_at(report.generated_at)}, 0s", "```"]
    return "\n".join(lines)


def _task(label: str, task_id: str, phase: Phase) -> str:
    tag = "crit, " if phase.failed else "done, "
    return f"    {label} :{tag}{task_id}, {_at(phase.started_at)}, {max(1, round(phase.seconds))}s"


def _at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_DATE)
