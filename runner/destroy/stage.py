"""The destroy stage as `destroy`, `run`, `dev` and the janitor call it: the PR's stacks deleted in
reverse order (only ours), captures swept, leftovers checked, and a last line that says what is
still deployed, even when a signal stops it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from runner import gha
from runner.aws import AwsTarget
from runner.destroy.cancellation import DestroyStopped, RemovalCommand, final_status, shielded, still_deployed
from runner.destroy.capture_sweep import sweep_captures
from runner.destroy.cleanup import BucketEmptier, LogGroups
from runner.destroy.destroyer import Destroyer, DestroyOutcome
from runner.destroy.leftovers import OwnedLeftovers, TaggedLeftovers
from runner.errors import GuardError, RunnerError, StoppedError
from runner.stacks import Stacks


def build_destroyer(target: AwsTarget) -> Destroyer:
    session = target.session()
    events, sqs = target.client("events", session), target.client("sqs", session)
    leftovers = (
        OwnedLeftovers(lambda service: target.client(service, session))
        if target.is_local
        else TaggedLeftovers(target.client("resourcegroupstaggingapi", session))
    )
    return Destroyer(
        Stacks(target.client("cloudformation", session)),
        BucketEmptier(target.client("s3", session)),
        LogGroups(target.client("logs", session), target.client("lambda", session)),
        leftovers,
        sweep_captures=lambda buses: sweep_captures(events, sqs, buses),
    )


@dataclass(frozen=True)
class DestroyRequest:
    """Which stacks of whose PR to destroy. `run_id` set: only stacks that run deployed last (a
    stack a later run deployed is that run's). `base_name` names the PR's stacks in the removal
    command the last line gives; `embedded`: the engine stops with this process."""

    repository: str
    pr_number: int | None
    stack_names: tuple[str, ...]  # in deploy order
    run_id: str | None = None
    base_name: str | None = None
    embedded: bool = False


def destroy_stacks(request: DestroyRequest, target: AwsTarget) -> DestroyOutcome:
    """Shared by `destroy`, `run` and `dev`. A first SIGINT/SIGTERM lets the destroy finish, a second
    stops it (runner.destroy.cancellation). The outcome's `final_line`, or the message of the error
    raised, ends with what is still deployed."""
    names = list(request.stack_names)
    repository, pr_number = request.repository, request.pr_number
    command = RemovalCommand(
        request.base_name or names[0], repository, pr_number, target.region, target.endpoint_url
    )
    outcome: DestroyOutcome | None = None
    failure: RunnerError | None = None
    with shielded() as signals:
        try:
            with gha.group(f"Destroy {', '.join(names)}"):
                outcome = build_destroyer(target).destroy(names, repository, pr_number, request.run_id)
        except DestroyStopped:
            pass
        except GuardError:
            raise  # refused before anything was touched: the stacks are not ours to list
        except RunnerError as error:
            failure = error
        signals.may_stop = False
        left = still_deployed(Stacks(target.client("cloudformation")), names)
        status = final_status(left, command, embedded=request.embedded)
    if signals.exit_code is not None:
        how = "stopped the destroy" if len(signals.received) > 1 else "arrived; the destroy finished first"
        detail = f" ({failure})" if failure else ""
        raise StoppedError(f"{signals.first_name} {how}{detail}.\n{status}", signals.exit_code)
    if failure is not None:
        raise type(failure)(f"{failure}\n{status}") from failure
    assert outcome is not None
    return replace(outcome, final_line=status)
