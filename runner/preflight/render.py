"""The preflight's findings for the terminal and for the job summary (Markdown, untrusted text escaped)."""

from __future__ import annotations

from runner.preflight.model import PreflightReport
from runner.report.escape import inline


def headline(report: PreflightReport) -> str:
    stacks = ", ".join(report.stack_names)
    if not report.findings:
        return f"Preflight ({stacks}): no per-PR isolation or clean-up hazards found"
    return (
        f"Preflight ({stacks}): {len(report.blocking)} hazard(s) that stop the deploy, "
        f"{len(report.warnings)} warning(s)"
    )


def terminal_lines(report: PreflightReport) -> list[str]:
    lines = [headline(report)]
    for finding in sorted(report.findings, key=lambda item: not item.blocking):
        level = "error" if finding.blocking else "warning"
        lines.append(
            f"  {level}: {finding.hazard.value}: {finding.stack} {finding.resource}: {finding.problem}"
        )
        lines.append(f"      fix: {finding.fix}")
    return lines


def _flat(text: str) -> str:
    """One line: names come from the app's templates, and a line break could start a workflow command."""
    return " ".join(text.split())


def markdown(report: PreflightReport) -> str:
    lines = [f"### {inline(headline(report))}", ""]
    if not report.findings:
        return "\n".join(lines)
    lines += ["| | hazard | stack | resource | problem | fix |", "|---|---|---|---|---|---|"]
    for finding in sorted(report.findings, key=lambda item: not item.blocking):
        mark = "❌" if finding.blocking else "⚠️"
        cells = [finding.hazard.value, finding.stack, finding.resource, finding.problem]
        escaped = " | ".join(inline(cell, limit=600) for cell in cells)
        # The fix is the runner's own advice (never text from the app): its `code` stays code.
        lines.append(f"| {mark} | {escaped} | {_flat(finding.fix).replace('|', '/')} |")
    return "\n".join(lines) + "\n"
