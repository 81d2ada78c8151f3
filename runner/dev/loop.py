"""`dev`: deploy once, run the tests, then react to each edit with the least work that makes it true.

The loop owns no AWS or CDK code: it is handed a deploy, a code swapper, a test runner and a destroy,
so each cycle's choice (see `changes`) and its one-line account are all that live here.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from runner.dev.assets import CodeAsset, code_assets
from runner.dev.changes import ChangeKind, ChangePlan, SourceWatcher, classify
from runner.dev.hotswap import CodeSwapper
from runner.errors import RunnerError
from runner.record import DeploymentRecord

DEFAULT_IDLE_TIMEOUT_SECONDS = 8 * 3600.0  # an abandoned session does not keep its stack for ever


@dataclass(frozen=True)
class DevRequest:
    app_dir: Path
    tests: str  # the tests path inside the app
    work_dir: Path
    keep: bool = False
    max_cycles: int | None = None  # edits to react to before stopping (None: until Ctrl-C)
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT_SECONDS

    @property
    def assembly_dir(self) -> Path:
        return self.work_dir / "cdk.out"


@dataclass(frozen=True)
class SuiteOutcome:
    exit_code: int
    tests: int | None

    @property
    def verdict(self) -> str:
        count = "?" if self.tests is None else str(self.tests)
        word = {0: "passed", 1: "failed"}.get(self.exit_code, f"pytest exit {self.exit_code}")
        return f"{count} test(s) {word}"


@dataclass(frozen=True)
class DevStages:
    """What the loop drives, built by the command with real clients."""

    deploy: Callable[[], DeploymentRecord]
    run_tests: Callable[[Sequence[str]], SuiteOutcome]  # () = the whole tests path
    swapper: CodeSwapper
    # Given the last record (None when no deploy succeeded: it finds the stacks by name); returns
    # destroy's summary line.
    destroy: Callable[[DeploymentRecord | None], str]


class DevLoop:
    def __init__(self, request: DevRequest, stages: DevStages, echo: Callable[[str], None] = print) -> None:
        self._request = request
        self._stages = stages
        self._echo = echo
        self._record: DeploymentRecord | None = None
        self._assets: list[CodeAsset] = []
        self._deploy_pending = False  # a failed redeploy: the next cycle of any kind retries it
        self._last_exit = 1

    def run(self) -> int:
        request = self._request
        tests_path = request.app_dir / request.tests
        # Taken before the first deploy, so an edit made while it runs is the first cycle's.
        watcher = SourceWatcher(request.app_dir, excluded=frozenset({request.work_dir}))
        exit_code = 1
        try:
            with _sigterm_interrupts():
                exit_code = self._cycle(0, ChangePlan(ChangeKind.INFRASTRUCTURE, (), ()), first=True)
                cycles = 0
                while request.max_cycles is None or cycles < request.max_cycles:
                    self._echo(f"Watching {request.app_dir} for changes (Ctrl-C stops and destroys)")
                    changed = watcher.wait(request.idle_timeout)
                    if not changed:
                        self._echo(f"No change for {request.idle_timeout:g} s: stopping")
                        break
                    cycles += 1
                    plan = classify(changed, request.app_dir, tests_path, self._assets)
                    exit_code = self._cycle(cycles, plan)
        except KeyboardInterrupt:
            self._echo("Stopping")
        finally:
            self._finish()
        return exit_code

    def _cycle(self, number: int, plan: ChangePlan, first: bool = False) -> int:
        started = time.monotonic()
        what = "first deploy" if first else plan.describe()
        if plan.kind is ChangeKind.NONE and self._record is not None and not self._deploy_pending:
            self._echo(f"cycle {number}: {what} -> nothing to do (neither the app nor its tests read it)")
            return self._last_exit
        try:
            action, targets = self._apply(plan)
        except RunnerError as error:
            # A typo in the app must not end the session: say so, and wait for the fix.
            self._deploy_pending = self._deploy_pending or plan.kind is ChangeKind.INFRASTRUCTURE
            self._echo(f"cycle {number}: {what} -> error: {error}; {time.monotonic() - started:.1f} s")
            return 1
        acted = time.monotonic() - started
        outcome = self._stages.run_tests(targets)
        seconds = time.monotonic() - started
        self._echo(f"cycle {number}: {what} -> {action} ({acted:.1f} s), {outcome.verdict}; {seconds:.1f} s")
        self._last_exit = outcome.exit_code
        return outcome.exit_code

    def _apply(self, plan: ChangePlan) -> tuple[str, Sequence[str]]:
        """Do the change's work; returns what was done and which tests to run."""
        if self._record is None or self._deploy_pending or plan.kind is ChangeKind.INFRASTRUCTURE:
            self._record = self._stages.deploy()
            self._deploy_pending = False
            self._stages.swapper.forget_names()
            self._assets = code_assets(self._request.assembly_dir, self._request.app_dir)
            return f"deployed {', '.join(self._record.stack_names)}", ()
        if plan.kind is ChangeKind.HANDLER:
            names = self._stages.swapper.swap(plan.assets)
            return f"updated the code of {len(names)} function(s)", ()
        shown = ", ".join(plan.test_targets) or self._request.tests
        return f"reran {shown}", plan.test_targets

    def _finish(self) -> None:
        if self._request.keep:
            names = ", ".join(self._record.stack_names) if self._record else "the stacks"
            self._echo(f"Kept {names} (--keep): `serverless-pr-test destroy --local` removes them")
            return
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut destroy short
        try:
            self._echo(self._stages.destroy(self._record))
        finally:
            signal.signal(signal.SIGINT, previous)


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops the loop like Ctrl-C, so the stack is still destroyed."""

    def interrupt(signal_number: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signal_number}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        sys.stdout.flush()
