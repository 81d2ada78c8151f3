"""Each part of the Markdown report, as a pure function of the Report (untrusted text escaped)."""

from __future__ import annotations

from collections import defaultdict

from runner.report.escape import code_block, inline, tail_lines
from runner.report.gantt import gantt
from runner.report.junit.model import Outcome, ProblemKind
from runner.report.model import Report


def usd(amount: float) -> str:
    """Dollars readable at PR-environment scale: cents, else up to six decimals, else "< $0.000001"."""
    if amount == 0:
        return "$0.00"
    if amount < 0.0000005:
        return "< $0.000001"
    if amount < 0.01:
        return f"${amount:.6f}".rstrip("0")
    return f"${amount:,.2f}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 test`, `2 tests`, `0 tests`."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def status(report: Report) -> str:
    results = report.results
    counts = results.counts
    shards = results.shard_total or len(results.files)
    reasons = []
    if counts.failed:
        reasons.append(f"{counts.failed} failed")
    if counts.errors:
        reasons.append(plural(counts.errors, "error"))
    for kind, count in results.problem_totals:
        if kind.fails_run and count:
            reasons.append(kind.counted(count))
    icon, word = ("✅", "Passed") if report.passed else ("❌", "Failed")
    headline = f"## {icon} {word}: {plural(counts.total, 'test')} on {plural(shards, 'shard')}"
    extra = []
    if reasons:
        extra.append(", ".join(reasons))
    if report.cost is not None:
        extra.append(f"cost {usd(report.cost.run_usd)} (idle {usd(report.cost.per_day_usd)}/day)")
    return headline + (f"\n{' · '.join(extra)}" if extra else "")


def counts(report: Report) -> str:
    c = report.results.counts
    planned = report.results.planned_total
    header = "| passed | failed | errors | skipped | flaky | total | planned |"
    row = f"| {c.passed} | {c.failed} | {c.errors} | {c.skipped} | {c.flaky} | {c.total} | {planned if planned is not None else '—'} |"  # noqa: E501
    return "\n".join([header, "|---:|---:|---:|---:|---:|---:|---:|", row])


def cut_notice(report: Report, cut: list[str]) -> str:
    where = (
        f"the [job summary]({report.run.summary_url})"
        if report.run.summary_url
        else "the job summary (report.md)"
    )
    return f"> ✂️ Shortened to fit a GitHub comment: cut {', '.join(cut)}. The full report is in {where}."


def problems(report: Report, shown: int) -> str:
    results = report.results
    if not results.problems:
        return ""
    lines = ["### Results that cannot be trusted as complete"]
    for problem in results.problems[:shown]:
        mark = "❌" if problem.kind.fails_run else "⚠️"
        detail = f" — {inline(problem.detail)}" if problem.detail else ""
        lines.append(f"- {mark} **{problem.kind.label}**: {inline(problem.subject)}{detail}")
    listed = min(shown, len(results.problems))
    total = sum(count for _, count in results.problem_totals)
    if total > listed:
        lines.append(
            f"- … and {total - listed} more (counts by kind: {_kind_counts(results.problem_totals)})"
        )
    return "\n".join(lines)


def _kind_counts(totals: tuple[tuple[ProblemKind, int], ...]) -> str:
    return ", ".join(kind.counted(count) for kind, count in totals)


def failures(report: Report, shown: int | None, traceback_lines: int, traceback_chars: int) -> str:
    results = report.results
    total = results.counts.failed + results.counts.errors
    if total == 0:
        return ""
    kept = results.failures if shown is None else results.failures[:shown]
    lines = [f"### Failures ({total})"]
    for failure in kept:
        word = "error" if failure.outcome is Outcome.ERROR else "failed"
        where = f" ({inline(failure.file)}:{failure.line})" if failure.file and failure.line else ""
        retried = f", {failure.attempts} attempts" if failure.attempts > 1 else ""
        lines.append(f"#### {word}: {inline(failure.nodeid, 200)}{where}{retried}")
        if failure.message:
            lines.append(inline(failure.message, 500))
        if failure.text and traceback_lines > 0:
            language = "python" if failure.from_pytest else ""
            lines.append(code_block(tail_lines(failure.text, traceback_lines, traceback_chars), language))
        if failure.output and traceback_lines > 8:
            output = tail_lines(failure.output, traceback_lines // 2, traceback_chars // 2)
            lines.append(f"Captured output:\n{code_block(output)}")
        if failure.properties and traceback_lines > 8:
            lines.append(
                "Properties: " + ", ".join(f"{inline(k, 60)}={inline(v, 120)}" for k, v in failure.properties)
            )
    not_shown = total - len(kept)
    if not_shown > 0:
        lines.append(f"… and {plural(not_shown, 'more failure')} not shown here.")
    return "\n\n".join(lines)


def cost(report: Report, *, breakdown: bool, unpriced_list: bool) -> str:
    if report.cost is None:
        return f"### Cost\nNot estimated: {inline(report.cost_error or 'no deployment record')}"
    estimate = report.cost
    lines = [
        "### Cost",
        f"**{usd(estimate.run_usd)}** for this run ({duration(estimate.hours * 3600)} since the stacks were "
        f"created); **{usd(estimate.per_day_usd)}/day** if left running idle. "
        f"List prices for {inline(estimate.region)} as of {inline(estimate.prices_as_of)}, no free tier.",
    ]
    if breakdown and estimate.lines:
        lines += ["", "| service | this run | idle per day |", "|---|---:|---:|"]
        per_day: dict[str, float] = defaultdict(float)
        for line in estimate.lines:
            per_day[line.service.value] += line.usd_per_day
        for service, amount in estimate.by_service():
            lines.append(f"| {service.value} | {usd(amount)} | {usd(per_day[service.value])} |")
    if estimate.unpriced:
        count = len({item.resource for item in estimate.unpriced})
        lines.append(f"\n**Not priced ({plural(count, 'resource')})**: the total above is a floor.")
        if unpriced_list:
            lines += [f"- {inline(item.resource)} ({inline(item.resource_type)}): {inline(item.reason)}"
                      for item in estimate.unpriced]  # fmt: skip
    lines += [f"\n_{inline(note)}_" for note in estimate.notes]
    return "\n".join(lines)


def shard_table(report: Report) -> str:
    files = report.results.files
    if not files:
        return ""
    lines = ["### Shards", "| shard | tests | failed | duration | file |", "|---|---:|---:|---:|---|"]
    for summary in files:
        name = str(summary.shard_index) if summary.shard_index is not None else "—"
        file_name = inline(summary.path.rsplit("/", 1)[-1])
        if summary.error is not None:
            lines.append(f"| {name} | — | unreadable | — | {file_name}: {inline(summary.error, 200)} |")
            continue
        failed = summary.counts.failed + summary.counts.errors
        took = duration(summary.timing.seconds)
        lines.append(f"| {name} | {summary.counts.total} | {failed} | {took} | {file_name} |")
    return "\n".join(lines)


def timeline(report: Report) -> str:
    chart = gantt(report)
    return f"### Timeline\n{chart}" if chart else ""


def footer(report: Report) -> str:
    run = report.run
    stacks = ", ".join(f"`{name}`" for name in run.stack_names) or "none recorded"
    short = run.commit[:12] if run.commit else "unknown"
    commit = f"[`{short}`]({run.commit_url})" if run.commit_url else f"`{short}`"
    parts = [f"Stacks: {stacks}", f"commit {commit}"]
    if run.run_url:
        parts.append(f"[workflow run]({run.run_url})")
    if run.local:
        parts.append("local endpoint")
    generated = report.generated_at.strftime("%Y-%m-%d %H:%M UTC")
    return f"<sub>{' · '.join(parts)} · {generated} · serverless-pr-test</sub>"
