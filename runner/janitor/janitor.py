"""The janitor: remove this repository's abandoned PR environments (expired, or their PR closed).

Only stacks and event captures carrying the managed tag AND this repository's tag are considered;
anything else is never touched, not even looked at twice. A PR's stacks go together (the leftover
scan after a destroy looks at the whole PR), through the same Destroyer `destroy` uses. Stacks in
the middle of an operation are left for the next run: they may belong to a deploy running now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from runner.errors import RunnerError
from runner.janitor.sources import Capture, CaptureStore, PrState
from runner.naming import parse_pr_number
from runner.stacks import StackPhase, Stacks, StackState
from runner.tags import EXPIRES_AT, PR, REPOSITORY, is_managed, parse_time


class Reason(Enum):
    """Why something is due for removal."""

    EXPIRED = "expired"
    PR_CLOSED = "PR closed"
    TOO_OLD = "older than --max-age"


class Outcome(Enum):
    DELETED = "deleted"
    WOULD_DELETE = "would delete (dry run)"
    SKIPPED = "left for the next run"
    FAILED = "failed"


@dataclass(frozen=True)
class Verdict:
    reason: Reason | None  # None: keep it
    detail: str


@dataclass(frozen=True)
class JanitorAction:
    subject: str  # stack names, or a capture's kind and name
    pr_number: int | None
    reason: Reason | None
    outcome: Outcome
    detail: str


def judge(
    tags: Mapping[str, str],
    created_at: datetime | None,
    now: datetime,
    pr_state: Callable[[int], PrState],
    max_age: timedelta | None = None,
) -> Verdict:
    """Whether a managed resource of this repository is due, from its tags alone (pure)."""
    expires = tags.get(EXPIRES_AT, "")
    if expires:
        try:
            expires_at = parse_time(expires)
        except ValueError:
            expires_at = None
        if expires_at is not None and expires_at <= now:
            return Verdict(Reason.EXPIRED, f"expired at {expires}")
    if max_age is not None and created_at is not None and now - created_at > max_age:
        return Verdict(Reason.TOO_OLD, f"created {created_at:%Y-%m-%dT%H:%M:%SZ}")
    pr_number = pr_of(tags)
    if pr_number is not None:
        state = pr_state(pr_number)
        if state is PrState.CLOSED:
            return Verdict(Reason.PR_CLOSED, f"PR #{pr_number} is closed")
        return Verdict(None, f"PR #{pr_number} is {state.value}; expires {expires or 'never'}")
    return Verdict(None, f"expires {expires or 'never'}")


def pr_of(tags: Mapping[str, str]) -> int | None:
    raw = tags.get(PR, "")
    try:
        return parse_pr_number(raw) if raw else None
    except RunnerError:
        return None


def is_ours(tags: Mapping[str, str], repository: str) -> bool:
    return is_managed(tags) and tags.get(REPOSITORY) == repository


@dataclass(frozen=True)
class DueGroup:
    """One PR's stacks (or one PR-less stack), oldest first, and why they are due."""

    pr_number: int | None
    stacks: tuple[StackState, ...]
    verdict: Verdict

    @property
    def busy(self) -> bool:
        return any(state.phase is StackPhase.IN_PROGRESS for state in self.stacks)


@dataclass(frozen=True)
class JanitorReport:
    repository: str
    dry_run: bool
    actions: tuple[JanitorAction, ...]
    kept: int  # our stacks that are not due
    ignored: int  # stacks that are not ours

    @property
    def failures(self) -> tuple[JanitorAction, ...]:
        return tuple(action for action in self.actions if action.outcome is Outcome.FAILED)


@dataclass(frozen=True)
class JanitorRequest:
    """Whose environments to judge, as of when, and whether to only say what would go."""

    repository: str
    now: datetime
    max_age: timedelta | None = None  # also remove managed stacks older than this
    dry_run: bool = False


class Janitor:
    def __init__(
        self,
        stacks: Stacks,
        destroy: Callable[[Sequence[str], int | None], str],
        captures: CaptureStore,
        pr_state: Callable[[int], PrState],
        request: JanitorRequest,
        echo: Callable[[str], None] = print,
    ) -> None:
        self._request = request
        self._stacks = stacks
        self._destroy = destroy
        self._captures = captures
        self._pr_state = pr_state
        self._echo = echo

    def sweep(self) -> JanitorReport:
        ours: list[StackState] = []
        ignored = 0
        for name in self._stacks.live_stack_names():
            state = self._stacks.describe(name)
            if state is None:
                continue
            if is_ours(state.tags, self._request.repository):
                ours.append(state)
            else:
                ignored += 1
        due, kept = self._due_groups(ours)
        # A busy group may be a run in progress: its captures stay unless they are due themselves.
        due_prs = {group.pr_number: group.verdict for group in due if group.pr_number and not group.busy}
        # Orphaned captures first: on AWS the leftover scan after a destroy would count them.
        actions = self._sweep_captures(due_prs)
        actions += [self._destroy_group(group) for group in due]
        return JanitorReport(self._request.repository, self._request.dry_run, tuple(actions), kept, ignored)

    def _due_groups(self, ours: list[StackState]) -> tuple[list[DueGroup], int]:
        """A PR's stacks go together when any of them is due; stacks without a PR go alone."""
        groups: dict[int | str, list[StackState]] = {}
        for state in ours:
            pr_number = pr_of(state.tags)
            groups.setdefault(pr_number if pr_number is not None else state.name, []).append(state)
        due: list[DueGroup] = []
        kept = 0
        for key, group in groups.items():
            verdicts = [
                judge(state.tags, state.created_at, self._request.now, self._pr_state, self._request.max_age)
                for state in group
            ]
            reasons = [verdict for verdict in verdicts if verdict.reason is not None]
            if not reasons:
                kept += len(group)
                for state, verdict in zip(group, verdicts, strict=True):
                    self._echo(f"keep {state.name}: {verdict.detail}")
                continue
            group.sort(key=lambda state: (state.created_at is None, state.created_at, state.name))
            due.append(DueGroup(key if isinstance(key, int) else None, tuple(group), reasons[0]))
        return due, kept

    def _destroy_group(self, group: DueGroup) -> JanitorAction:
        pr_number, verdict = group.pr_number, group.verdict
        names = [state.name for state in group.stacks]
        subject = ", ".join(names)
        if group.busy:
            busy = [state.name for state in group.stacks if state.phase is StackPhase.IN_PROGRESS]
            detail = f"{verdict.detail}; {', '.join(busy)} in progress (a run may be using it)"
            self._echo(f"skip {subject}: {detail}")
            return JanitorAction(subject, pr_number, verdict.reason, Outcome.SKIPPED, detail)
        if self._request.dry_run:
            self._echo(f"would destroy {subject}: {verdict.detail}")
            return JanitorAction(subject, pr_number, verdict.reason, Outcome.WOULD_DELETE, verdict.detail)
        self._echo(f"destroying {subject}: {verdict.detail}")
        try:
            summary = self._destroy(names, pr_number)
        except RunnerError as error:
            self._echo(f"failed to destroy {subject}: {error}")
            return JanitorAction(subject, pr_number, verdict.reason, Outcome.FAILED, str(error))
        detail = f"{verdict.detail}; {summary}"
        return JanitorAction(subject, pr_number, verdict.reason, Outcome.DELETED, detail)

    def _sweep_captures(self, due_prs: Mapping[int, Verdict]) -> list[JanitorAction]:
        actions: list[JanitorAction] = []
        for capture in self._captures.list():
            if not is_ours(capture.tags, self._request.repository):
                continue
            verdict = judge(capture.tags, None, self._request.now, self._pr_state, self._request.max_age)
            pr_number = pr_of(capture.tags)
            if verdict.reason is None and pr_number is not None and pr_number in due_prs:
                verdict = Verdict(due_prs[pr_number].reason, "its PR's stacks are being destroyed")
            if verdict.reason is None:
                continue
            actions.append(self._remove_capture(capture, pr_number, verdict))
        return actions

    def _remove_capture(self, capture: Capture, pr_number: int | None, verdict: Verdict) -> JanitorAction:
        subject = f"{capture.kind.value} {capture.name}"
        if self._request.dry_run:
            self._echo(f"would remove {subject}: {verdict.detail}")
            return JanitorAction(subject, pr_number, verdict.reason, Outcome.WOULD_DELETE, verdict.detail)
        try:
            self._captures.remove(capture)
        except Exception as error:  # one stuck capture must not stop the sweep
            self._echo(f"failed to remove {subject}: {error}")
            return JanitorAction(subject, pr_number, verdict.reason, Outcome.FAILED, str(error))
        self._echo(f"removed {subject}: {verdict.detail}")
        return JanitorAction(subject, pr_number, verdict.reason, Outcome.DELETED, verdict.detail)
