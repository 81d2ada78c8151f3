"""The janitor's pure rules: when a managed stack of this repository is due, and the summary."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from runner.janitor.command import render_summary
from runner.janitor.janitor import (
    Janitor,
    JanitorAction,
    JanitorReport,
    JanitorRequest,
    Outcome,
    Reason,
    is_ours,
    judge,
)
from runner.janitor.sources import PrState
from runner.tags import EXPIRES_AT, MANAGED, PR, REPOSITORY, format_time

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def tags(pr="7", expires=NOW + timedelta(hours=1), repository="acme/shop"):
    found = {MANAGED: "true", REPOSITORY: repository, EXPIRES_AT: format_time(expires)}
    if pr is not None:
        found[PR] = pr
    return found


def never_asked(number):
    raise AssertionError(f"PR #{number} should not be looked up")


def test_an_expired_stack_is_due_without_asking_github():
    verdict = judge(tags(expires=NOW - timedelta(seconds=1)), None, NOW, never_asked)
    assert verdict.reason is Reason.EXPIRED


def test_a_closed_pr_makes_its_stack_due():
    assert judge(tags(), None, NOW, lambda n: PrState.CLOSED).reason is Reason.PR_CLOSED


def test_open_and_unknown_prs_keep_their_stacks():
    assert judge(tags(), None, NOW, lambda n: PrState.OPEN).reason is None
    assert judge(tags(), None, NOW, lambda n: PrState.UNKNOWN).reason is None


def test_max_age_catches_a_stack_with_a_far_expiry():
    far = tags(pr=None, expires=NOW + timedelta(days=300))
    created = NOW - timedelta(hours=50)
    assert judge(far, created, NOW, never_asked, max_age=timedelta(hours=48)).reason is Reason.TOO_OLD
    assert judge(far, created, NOW, never_asked, max_age=timedelta(hours=72)).reason is None


def test_an_unreadable_expiry_or_pr_tag_is_never_a_reason_to_delete():
    broken = {**tags(pr="seven"), EXPIRES_AT: "tomorrow"}
    assert judge(broken, None, NOW, never_asked).reason is None


def test_only_managed_stacks_of_this_repository_are_ours():
    assert is_ours(tags(), "acme/shop")
    assert not is_ours(tags(repository="acme/other"), "acme/shop")
    assert not is_ours({**tags(), MANAGED: "false"}, "acme/shop")
    assert not is_ours({}, "acme/shop")


def test_summary_escapes_names_from_tags():
    action = JanitorAction("shop-pr-1 <img src=x>|x", 1, Reason.EXPIRED, Outcome.DELETED, "@team *bold*")
    summary = render_summary(JanitorReport("acme/shop", False, (action,), kept=2, ignored=1))
    row = next(line for line in summary.splitlines() if line.startswith("| shop"))
    assert "<img" not in row
    assert len(re.findall(r"(?<!\\)\|", row)) == 5  # the escaped pipe in the name adds no column
    assert "@\u200dteam" in row
    assert "2 managed stack(s) kept; 1 other stack(s) not ours, untouched." in summary


class ListedStacks:
    """The two Stacks calls the janitor makes, over a fixed list of states."""

    def __init__(self, *states):
        self.states = {state.name: state for state in states}

    def live_stack_names(self):
        return sorted(self.states)

    def describe(self, name):
        return self.states.get(name)


class NoCaptures:
    def list(self):
        return []


def state(name, status="CREATE_COMPLETE", **tag_args):
    from runner.stacks import StackState

    return StackState(name, f"id-{name}", status, "", tags(**tag_args), {}, NOW - timedelta(hours=2))


def sweep(*states, dry_run=False):
    destroyed = []

    def destroy(names, pr_number):
        destroyed.append((list(names), pr_number))
        return "destroyed"

    janitor = Janitor(
        ListedStacks(*states),
        destroy,
        NoCaptures(),
        lambda number: PrState.CLOSED if number == 2 else PrState.OPEN,
        JanitorRequest("acme/shop", now=NOW, dry_run=dry_run),
        echo=lambda line: None,
    )
    return janitor.sweep(), destroyed


def test_a_prs_stacks_are_destroyed_together_oldest_first():
    report, destroyed = sweep(
        state("shop-pr-2-data", pr="2"), state("shop-pr-2", pr="2"), state("shop-pr-3", pr="3")
    )
    assert destroyed == [(["shop-pr-2", "shop-pr-2-data"], 2)]
    assert [action.outcome for action in report.actions] == [Outcome.DELETED]
    assert report.kept == 1


def test_a_stack_in_the_middle_of_an_operation_is_left_for_the_next_run():
    report, destroyed = sweep(state("shop-pr-2", status="UPDATE_IN_PROGRESS", pr="2"))
    assert destroyed == []
    [action] = report.actions
    assert action.outcome is Outcome.SKIPPED
    assert "in progress" in action.detail
