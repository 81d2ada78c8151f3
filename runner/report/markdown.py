"""The report as GitHub Markdown, fitted to a size budget by cutting the least valuable parts first.

Cut order (cheapest loss first): timeline chart, unpriced-resource list, per-shard table, long
tracebacks, then fewer failures shown, fewer problems listed, the cost breakdown. The status line,
counts, marker and footer always stay; what was cut is said, with a link to the job summary.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from runner.report import sections
from runner.report.model import Report


@dataclass(frozen=True)
class Budget:
    chars: int
    bytes: int


# GitHub: a comment body holds at most 65,536 characters (262,144 bytes measured); keep a margin.
COMMENT_BUDGET = Budget(chars=65_000, bytes=260_000)
# The job summary takes up to 1 MiB per step.
SUMMARY_BUDGET = Budget(chars=1_000_000, bytes=1_000_000)


@dataclass(frozen=True)
class Detail:
    """How much of each section to render; each cutting step lowers one knob."""

    gantt: bool = True
    unpriced_list: bool = True
    shard_table: bool = True
    traceback_lines: int = 25
    traceback_chars: int = 2_500
    failures_shown: int | None = None  # None: every failure the merge kept
    problems_shown: int = 100
    cost_breakdown: bool = True


_STEPS: tuple[tuple[str, dict[str, object]], ...] = (
    ("timeline chart", {"gantt": False}),
    ("list of unpriced resources", {"unpriced_list": False}),
    ("per-shard table", {"shard_table": False}),
    ("long tracebacks", {"traceback_lines": 8, "traceback_chars": 600}),
    ("some failures", {"failures_shown": 200}),
    ("some failures", {"failures_shown": 100, "traceback_lines": 4, "traceback_chars": 300}),
    ("some failures", {"failures_shown": 50}),
    ("some failures", {"failures_shown": 20, "problems_shown": 20}),
    ("cost breakdown", {"cost_breakdown": False, "failures_shown": 10, "problems_shown": 10}),
    ("all failure details", {"failures_shown": 0, "problems_shown": 5}),
)


def fits(text: str, budget: Budget) -> bool:
    return len(text) <= budget.chars and len(text.encode("utf-8")) <= budget.bytes


# Small sections cut early for their low value; once failures were cut, they may fit again.
_RESTORABLE = (("per-shard table", "shard_table"), ("list of unpriced resources", "unpriced_list"),
               ("timeline chart", "gantt"))  # fmt: skip


def render_markdown(report: Report, budget: Budget = COMMENT_BUDGET) -> str:
    detail = Detail()
    cut: list[str] = []
    text = _render(report, detail, cut)
    for what, change in _STEPS:
        if fits(text, budget):
            break
        detail = replace(detail, **change)  # type: ignore[arg-type]
        if what not in cut:
            cut.append(what)
        text = _render(report, detail, cut)
    if not fits(text, budget):
        return _hard_cut(text, report, budget)
    for what, knob in _RESTORABLE:
        if what not in cut:
            continue
        trial_cut = [item for item in cut if item != what]
        trial = _render(report, replace(detail, **{knob: True}), trial_cut)
        if fits(trial, budget):
            detail, cut, text = replace(detail, **{knob: True}), trial_cut, trial
    return text


def _render(report: Report, detail: Detail, cut: list[str]) -> str:
    parts = [report.run.marker, sections.status(report), sections.counts(report)]
    if cut:
        parts.append(sections.cut_notice(report, cut))
    parts.append(sections.problems(report, detail.problems_shown))
    parts.append(
        sections.failures(report, detail.failures_shown, detail.traceback_lines, detail.traceback_chars)
    )
    parts.append(sections.cost(report, breakdown=detail.cost_breakdown, unpriced_list=detail.unpriced_list))
    if detail.shard_table:
        parts.append(sections.shard_table(report))
    if detail.gantt:
        parts.append(sections.timeline(report))
    parts.append(sections.footer(report))
    return "\n\n".join(part for part in parts if part) + "\n"


def _hard_cut(text: str, report: Report, budget: Budget) -> str:
    """Last resort (never reached by the steps above in practice): cut by size, keep the marker."""
    tail = "\n\n" + sections.cut_notice(report, ["the end of the report"]) + "\n"
    room_chars = budget.chars - len(tail)
    head = text[:room_chars]
    while len((head + tail).encode("utf-8")) > budget.bytes:
        head = head[: int(len(head) * 0.9)]
    return head + tail
