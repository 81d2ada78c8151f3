"""Truthful cancellation of a destroy.

GitHub cancels a run with SIGINT, then SIGTERM about 7.5 s later, then SIGKILL; a user presses
Ctrl-C once, then again. While stacks are being deleted the first signal is only noted (stopping
half-way leaves more behind than finishing does); a second stops at once. Either way the command
then asks CloudFormation what is still there, and its last line says so and gives the exact
command that removes it.
"""

from __future__ import annotations

import shlex
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

from runner.stacks import Stacks

SIGNAL_NAMES = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}


class DestroyStopped(BaseException):
    """A second signal during destroy: stop now (a BaseException, so no `except Exception` eats it)."""


@dataclass
class SignalLog:
    """The signals that arrived while destroy was shielded, in order."""

    received: list[int] = field(default_factory=list)
    # False once the destroy is over: a signal while the final status is read must not lose it.
    may_stop: bool = True

    @property
    def exit_code(self) -> int | None:
        """128 + the first signal, as a shell reports a process that signal ended."""
        return 128 + self.received[0] if self.received else None

    @property
    def first_name(self) -> str:
        return SIGNAL_NAMES.get(signal.Signals(self.received[0]), str(self.received[0]))


@contextmanager
def shielded(echo: Callable[[str], None] = print) -> Iterator[SignalLog]:
    """Within: the first SIGINT or SIGTERM is noted and the work goes on; the second raises
    DestroyStopped. Handlers are only installed on the main thread (Python's rule)."""
    log = SignalLog()
    if threading.current_thread() is not threading.main_thread():
        yield log
        return

    def handler(signal_number: int, frame: FrameType | None) -> None:
        log.received.append(signal_number)
        name = SIGNAL_NAMES.get(signal.Signals(signal_number), str(signal_number))
        if len(log.received) == 1 or not log.may_stop:
            echo(f"{name} received: finishing the destroy first (send another signal to stop now)")
            return
        raise DestroyStopped(name)

    previous = {number: signal.signal(number, handler) for number in SIGNAL_NAMES}
    try:
        yield log
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


@dataclass(frozen=True)
class RemovalCommand:
    """What a user runs to remove what is left: the same ownership rules, from any machine."""

    base_name: str
    repository: str
    pr_number: int | None
    region: str
    endpoint_url: str | None

    def __str__(self) -> str:
        words = ["serverless-pr-test", "destroy", "--stack-name", self.base_name]
        words += ["--repository", self.repository]
        words += ["--pr", str(self.pr_number)] if self.pr_number is not None else []
        words += ["--region", self.region]
        words += ["--endpoint-url", self.endpoint_url] if self.endpoint_url else []
        return shlex.join(words)


def still_deployed(stacks: Stacks, names: Sequence[str]) -> list[str]:
    """`name (STATUS)` for each of `names` CloudFormation still has."""
    left: list[str] = []
    for name in names:
        state = stacks.describe(name)
        if state is not None:
            left.append(f"{name} ({state.status})")
    return left


def final_status(left: Sequence[str], command: RemovalCommand, embedded: bool = False) -> str:
    """The last line of a destroy, whatever happened before it. `embedded`: the endpoint is this
    process's own and stops right after, taking whatever is left with it."""
    if not left:
        return "Nothing is still deployed."
    if embedded:
        return (
            f"Nothing is still deployed: {', '.join(left)} went away with the embedded local endpoint, "
            "which stops now."
        )
    return f"Still deployed: {', '.join(left)}. Remove with: {command}"
