"""Destroy: guarded, reverse-order, idempotent deletion of a PR's stacks, verified by a leftover scan."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from runner.destroy.cleanup import BucketEmptier, LogGroups
from runner.destroy.leftovers import Leftover, LeftoverFinder, LeftoverQuery
from runner.errors import DestroyError
from runner.guard import ownership_problem, require_ownership
from runner.naming import belongs_to
from runner.stacks import EventFeed, StackEvent, StackPhase, StackResource, Stacks, StackState
from runner.tags import RUN_ID

BUCKET = "AWS::S3::Bucket"
FUNCTION = "AWS::Lambda::Function"
STACK = "AWS::CloudFormation::Stack"
EVENT_BUS = "AWS::Events::EventBus"
DELETE_ATTEMPTS = 4
WAIT_TIMEOUT_SECONDS = 1800.0


LOG_GROUP = "AWS::Logs::LogGroup"


@dataclass(frozen=True)
class DestroyOutcome:
    deleted: tuple[str, ...]
    already_gone: tuple[str, ...]
    leftovers: tuple[Leftover, ...]
    handed_over: tuple[str, ...] = ()  # deployed since by another run, which destroys them
    final_line: str = ""  # what is still deployed, read after the destroy (runner.destroy.cancellation)

    def summary(self) -> str:
        return (
            f"destroyed {len(self.deleted)} stack(s)"
            + (f" ({len(self.already_gone)} already gone)" if self.already_gone else "")
            + (f", {len(self.handed_over)} left to a newer run" if self.handed_over else "")
            + f", {len(self.leftovers)} leftovers"
        )


class Destroyer:
    def __init__(
        self,
        stacks: Stacks,
        buckets: BucketEmptier,
        log_groups: LogGroups,
        leftovers: LeftoverFinder,
        sweep_captures: Callable[[list[str]], list[str]] = lambda buses: [],
        echo: Callable[[str], None] = print,
        sleep: Callable[[float], None] = time.sleep,
        wait_timeout_seconds: float = WAIT_TIMEOUT_SECONDS,
    ) -> None:
        self._stacks = stacks
        self._buckets = buckets
        self._log_groups = log_groups
        self._leftovers = leftovers
        self._sweep_captures = sweep_captures
        self._echo = echo
        self._sleep = sleep
        self._wait_timeout = wait_timeout_seconds

    def destroy(
        self,
        stack_names_in_deploy_order: Sequence[str],
        repository: str,
        pr_number: int | None,
        run_id: str | None = None,
    ) -> DestroyOutcome:
        """Check ownership of every stack before deleting any (managed tag, this repository's tag,
        this PR's tag); then delete dependents first. Nothing else is touched: only the physical
        resources those stacks name (their buckets' objects, their functions' log groups).

        With `run_id` (a run destroying what it deployed), a stack another run has deployed since
        is left for that run: two runs for one PR must not delete each other's environment."""
        states = {
            name: state for name in stack_names_in_deploy_order if (state := self._stacks.describe(name))
        }
        require_ownership({name: state.tags for name, state in states.items()}, repository, pr_number)
        handed_over = [
            name for name, state in states.items() if run_id and state.tags.get(RUN_ID, run_id) != run_id
        ]
        for name in handed_over:
            self._echo(f"{name}: deployed since by run {states.pop(name).tags[RUN_ID]}; left to that run")
        stack_names_in_deploy_order = [
            name for name in stack_names_in_deploy_order if name not in handed_over
        ]
        deleted: list[str] = []
        gone: list[str] = [name for name in stack_names_in_deploy_order if name not in states]
        for name in gone:
            self._echo(f"{name}: not found (already deleted or never deployed): nothing to do")
        owned: list[StackResource] = []
        for name in reversed(stack_names_in_deploy_order):
            if name in states:
                owned += self._delete_one(states[name])
                deleted.append(name)
        leftovers = tuple(
            self._leftovers.find(
                LeftoverQuery(repository, pr_number, tuple(stack_names_in_deploy_order), tuple(owned))
            )
        )
        outcome = DestroyOutcome(tuple(deleted), tuple(gone), leftovers, tuple(handed_over))
        if leftovers:
            listing = "\n".join(f"  - {item}" for item in leftovers)
            raise DestroyError(f"{outcome.summary()}; left behind:\n{listing}")
        return outcome

    def _delete_one(self, state: StackState) -> list[StackResource]:
        """Delete one owned stack; returns the physical resources it named (for the leftover check)."""
        name = state.name
        feed = EventFeed(name)
        self._stacks.new_events(feed)  # mark history as seen: print only this deletion's events
        if state.phase is StackPhase.IN_PROGRESS:
            self._echo(f"{name}: {state.status}, waiting for it to settle before deleting")
            settled = self._stacks.wait_until_settled(name, feed, self._print, self._wait_timeout)
            if settled is None:
                return []
        # Read what needs cleaning after the stack is gone while the stack still lists it.
        resources = self._stacks.resources(name)
        log_groups = self._log_groups.groups_of_functions(self._functions_named_by(name, resources))
        # The stack's own log groups too: one its template retains (CDK's default for some, such as
        # a Firehose stream's) would outlive the PR's copy; it is a physical resource of our stack.
        log_groups += [
            item.physical_id
            for item in resources
            if item.resource_type == LOG_GROUP and item.physical_id and item.physical_id not in log_groups
        ]
        physical_ids = {item.logical_id: item.physical_id for item in resources}
        # Test event captures add rules to the stack's buses; a bus with rules cannot be deleted.
        buses = [
            item.physical_id for item in resources if item.resource_type == EVENT_BUS and item.physical_id
        ]
        for rule in self._sweep_captures(buses):
            self._echo(f"{name}: removed leftover event capture {rule}")
        self._empty_deletable_buckets(name, resources)
        backoff = 2.0
        for attempt in range(1, DELETE_ATTEMPTS + 1):
            self._echo(f"{name}: deleting (attempt {attempt}/{DELETE_ATTEMPTS})")
            failed: dict[str, StackEvent] = {}

            def show(event: StackEvent, failed: dict[str, StackEvent] = failed) -> None:
                self._print(event)
                if event.status == "DELETE_FAILED" and event.resource_type != STACK:
                    failed[event.logical_id] = event

            self._stacks.delete(name)
            settled = self._stacks.wait_until_settled(name, feed, show, self._wait_timeout)
            if settled is None or settled.status == "DELETE_COMPLETE":
                break
            blockers = "; ".join(
                f"{event.logical_id} ({event.resource_type}): {event.reason}" for event in failed.values()
            )
            self._echo(f"{name}: {settled.status}: {blockers or settled.status_reason}")
            emptied = self._unblock(list(failed.values()), physical_ids)
            if attempt == DELETE_ATTEMPTS:
                raise DestroyError(
                    f"stack {name} is still {settled.status} after {DELETE_ATTEMPTS} attempts: "
                    f"{blockers or settled.status_reason}"
                )
            if not emptied:  # nothing we fixed: give CloudFormation time before the next try
                self._sleep(backoff)
                backoff *= 2
        for group in self._log_groups.delete(log_groups):
            self._echo(f"{name}: deleted log group {group}")
        self._echo(f"{name}: deleted")
        return [*resources, *(StackResource(group, group, LOG_GROUP, "", "") for group in log_groups)]

    def _functions_named_by(self, name: str, resources: list[StackResource]) -> list[str]:
        """The functions the stack lists now, and those its own event history names (a function a
        failed update or create rolled back is in no resource list any more, its log group stays)."""
        listed = [item.physical_id for item in resources if item.resource_type == FUNCTION]
        history = [
            event.physical_id
            for event in self._stacks.new_events(EventFeed(name))
            if event.resource_type == FUNCTION
        ]
        return [function for function in dict.fromkeys([*listed, *history]) if function]

    def _empty_deletable_buckets(self, name: str, resources: list[StackResource]) -> None:
        """CloudFormation cannot delete a bucket with objects in it: empty the ones it is going to
        delete (never a retained one) first, like CDK's autoDeleteObjects. DELETE_FAILED still
        triggers emptying as a fallback (YAML templates, objects written during the delete)."""
        policies = self._stacks.deletion_policies(name)
        if policies is None:
            return
        for item in resources:
            if (
                item.resource_type == BUCKET
                and item.physical_id
                and policies.get(item.logical_id) == "Delete"
            ):
                count = self._buckets.empty(item.physical_id)
                if count:
                    self._echo(f"{name}: emptied bucket {item.physical_id} ({count} object versions)")

    def _unblock(self, failed: list[StackEvent], physical_ids: dict[str, str]) -> int:
        """Empty the buckets that failed to delete; returns how many. Other failures (exports in
        use, dependencies still draining) usually clear by themselves, so they are retried."""
        emptied = 0
        for event in failed:
            bucket = event.physical_id or physical_ids.get(event.logical_id, "")
            if event.resource_type == BUCKET and bucket:
                count = self._buckets.empty(bucket)
                self._echo(f"  emptied bucket {bucket} ({count} object versions)")
                emptied += 1
        return emptied

    def _print(self, event: StackEvent) -> None:
        self._echo(event.line())


def discover_stacks(
    stacks: Stacks,
    base_name: str,
    repository: str | None = None,
    pr_number: int | None = None,
    echo: Callable[[str], None] = print,
) -> list[str]:
    """The live stacks of one PR (`base` and `base-*`), oldest first, which is their deploy order.

    A name is only where to look: with `repository`, a stack is one of them only when its tags say
    so (managed, this repository, this PR); any other stack of a matching name is left alone."""
    found = [
        state
        for name in stacks.live_stack_names()
        if belongs_to(name, base_name) and (state := stacks.describe(name)) is not None
    ]
    if repository is not None:
        for state in list(found):
            problem = ownership_problem(state.name, state.tags, repository, pr_number)
            if problem is not None:
                echo(f"{state.name}: {problem}; left alone")
                found.remove(state)
    found.sort(key=lambda state: (state.created_at is None, state.created_at, state.name))
    return [state.name for state in found]
