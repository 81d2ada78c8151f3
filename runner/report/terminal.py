"""The report as plain text for a terminal (`run --local`): the same facts, no Markdown."""

from __future__ import annotations

from runner.report.escape import tail_lines
from runner.report.junit.model import Outcome
from runner.report.model import Report
from runner.report.sections import duration, plural, usd

_SHOWN_FAILURES = 20


def render_terminal(report: Report) -> str:
    results = report.results
    c = results.counts
    lines = [
        f"{'PASSED' if report.passed else 'FAILED'}: {plural(c.total, 'test')} "
        f"({c.passed} passed, {c.failed} failed, {plural(c.errors, 'error')}, "
        f"{c.skipped} skipped, {c.flaky} flaky)",
    ]
    if results.planned_total is not None:
        lines.append(
            f"planned: {plural(results.planned_total, 'test')} on {plural(results.shard_total or 0, 'shard')}"
        )
    for summary in results.files:
        name = f"shard {summary.shard_index}" if summary.shard_index is not None else summary.path
        if summary.error is not None:
            lines.append(f"  {name}: UNREADABLE: {summary.error}")
        else:
            lines.append(
                f"  {name}: {plural(summary.counts.total, 'test')} in {duration(summary.timing.seconds)}"
            )
    for problem in results.problems[:_SHOWN_FAILURES]:
        lines.append(
            f"! {problem.kind.label}: {problem.subject}" + (f" ({problem.detail})" if problem.detail else "")
        )
    hidden_problems = sum(count for _, count in results.problem_totals) - min(
        len(results.problems), _SHOWN_FAILURES
    )
    if hidden_problems > 0:
        lines.append(f"! ... and {plural(hidden_problems, 'more problem')}")
    for failure in results.failures[:_SHOWN_FAILURES]:
        word = "ERROR" if failure.outcome is Outcome.ERROR else "FAILED"
        where = f" [{failure.file}:{failure.line}]" if failure.file and failure.line else ""
        lines.append(f"\n{word} {failure.nodeid}{where}")
        if failure.message:
            lines.append(f"  {failure.message.splitlines()[0][:300]}")
        if failure.text:
            lines.extend("    " + line for line in tail_lines(failure.text, 6, 800).splitlines())
    more = c.failed + c.errors - min(len(results.failures), _SHOWN_FAILURES)
    if more > 0:
        lines.append(f"\n... and {plural(more, 'more failure')} (see report.md)")
    lines.append("")
    lines.extend(_cost_lines(report))
    lines.append(f"\nstacks: {', '.join(report.run.stack_names) or '-'}   commit: {report.run.commit[:12]}")
    return "\n".join(lines)


def _cost_lines(report: Report) -> list[str]:
    estimate = report.cost
    if estimate is None:
        return [f"cost: not estimated ({report.cost_error or 'no deployment record'})"]
    lines = [
        f"cost: {usd(estimate.run_usd)} for this run ({duration(estimate.hours * 3600)}), "
        f"{usd(estimate.per_day_usd)}/day if left running idle (prices as of {estimate.prices_as_of})"
    ]
    lines += [f"  {service.value:<16} {usd(amount)}" for service, amount in estimate.by_service()]
    if estimate.unpriced:
        count = len({item.resource for item in estimate.unpriced})
        lines.append(f"  not priced ({plural(count, 'resource')}), the total is a floor:")
        lines += [f"    {item.resource} ({item.resource_type}): {item.reason}" for item in estimate.unpriced]
    lines += [f"  note: {note}" for note in estimate.notes]
    return lines
