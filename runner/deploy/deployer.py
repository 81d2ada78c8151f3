"""Deploy: synth once with the per-PR stack name, deploy every stack, verify, record the outputs."""

from __future__ import annotations

import fcntl
import hashlib
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from runner.aws import AwsTarget
from runner.context import RunContext
from runner.deploy.assembly import CloudAssembly
from runner.deploy.cdk import CdkCli, throttled
from runner.deploy.parameters import ParameterInputs
from runner.deploy.prepare import PrepareRequest, prepare
from runner.errors import DeployError
from runner.guard import require_ownership
from runner.preflight import PreflightTarget
from runner.record import DeployedStack, DeploymentRecord
from runner.stacks import EventFeed, StackEvent, StackPhase, Stacks, failure_reasons
from runner.tags import StackTags

BOOTSTRAP_STACK = "CDKToolkit"
CHANGE_SET_LOST = re.compile(r"ChangeSet \[[^\]]*\] does not exist")
LOCAL_ACCOUNT = "123456789012"
WAIT_TIMEOUT_SECONDS = 1800.0
DEPLOY_ATTEMPTS = 3  # a lost race with another run, or a throttled CLI, is retried


@dataclass(frozen=True)
class DeployPlan:
    app_dir: Path
    base_name: str
    work_dir: Path
    context: RunContext
    ttl: timedelta
    target: AwsTarget
    parameters: ParameterInputs = field(default_factory=ParameterInputs)
    allow_shared_names: bool = False
    account: str | None = None  # the target's account when known, for the preflight

    @property
    def assembly_dir(self) -> Path:
        return self.work_dir / "cdk.out"

    @property
    def record_path(self) -> Path:
        return self.work_dir / "deployment.json"


class Deployer:
    def __init__(self, cli: CdkCli, stacks: Stacks, echo: Callable[[str], None] = print) -> None:
        self._cli = cli
        self._stacks = stacks
        self._echo = echo

    def deploy(self, plan: DeployPlan) -> DeploymentRecord:
        started = time.monotonic()
        started_at = datetime.now(UTC)
        prepared = prepare(
            self._cli,
            PrepareRequest(
                app_dir=plan.app_dir,
                base_name=plan.base_name,
                assembly_dir=plan.assembly_dir,
                target=PreflightTarget(plan.target.region, plan.account, plan.base_name),
                parameters=plan.parameters,
                allow_shared_names=plan.allow_shared_names,
            ),
            self._echo,
        )
        assembly = prepared.renamed.assembly
        tags = StackTags.for_run(
            plan.context.repository,
            plan.context.pr_number,
            plan.context.commit,
            plan.context.run_id,
            plan.ttl,
            now=started_at,
        ).as_dict()
        # Two runs for one PR on one local endpoint take turns (a host-wide lock: the endpoint is on
        # this machine); on AWS the workflow's concurrency group and the race retry below do that.
        one_at_a_time = (
            _host_lock(f"deploy-{plan.target.endpoint_url}-{plan.base_name}")
            if plan.target.is_local
            else nullcontext()
        )
        try:
            with one_at_a_time:
                deployed = self._deploy_assembly(
                    plan, assembly, tags, started_at, prepared.parameter_arguments
                )
        except BaseException:
            # A failed or interrupted deploy still leaves a record of what exists, so a plain
            # `destroy` (which reads it) finds the stacks instead of failing.
            self._record(plan, assembly, tags, started_at, started, self._existing(assembly)).write(
                plan.record_path
            )
            raise
        record = self._record(plan, assembly, tags, started_at, started, deployed)
        record.write(plan.record_path)
        return record

    def _existing(self, assembly: CloudAssembly) -> list[tuple[str, str, dict[str, str]]]:
        try:
            states = [self._stacks.describe(name) for name in assembly.stack_names]
        except Exception:  # the endpoint went away too: every name, destroy skips missing ones
            return [(name, "UNKNOWN", {}) for name in assembly.stack_names]
        return [(state.name, state.status, {}) for state in states if state is not None]

    def _record(
        self,
        plan: DeployPlan,
        assembly: CloudAssembly,
        tags: dict[str, str],
        started_at: datetime,
        started: float,
        deployed: list[tuple[str, str, dict[str, str]]],
    ) -> DeploymentRecord:
        depends = {stack.stack_name: stack.depends_on for stack in assembly.stacks}
        names_by_id = {stack.artifact_id: stack.stack_name for stack in assembly.stacks}
        return DeploymentRecord(
            repository=plan.context.repository,
            pr_number=plan.context.pr_number,
            commit=plan.context.commit,
            run_id=plan.context.run_id,
            region=plan.target.region,
            endpoint_url=plan.target.endpoint_url,
            stacks=tuple(
                DeployedStack(
                    name=state_name,
                    status=status,
                    outputs=outputs,
                    depends_on=tuple(names_by_id[dep] for dep in depends[state_name] if dep in names_by_id),
                )
                for state_name, status, outputs in deployed
            ),
            tags=tags,
            deployed_at=started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            duration_seconds=round(time.monotonic() - started, 3),
        )

    def _bootstrap(self, region: str) -> None:
        self._echo("Bootstrapping the local endpoint (cdk bootstrap, once per endpoint)")
        try:
            for attempt in range(1, DEPLOY_ATTEMPTS + 1):
                try:
                    self._cli.bootstrap(LOCAL_ACCOUNT, region)
                    return
                except DeployError as error:
                    if attempt == DEPLOY_ATTEMPTS or not throttled(str(error)):
                        raise
                    self._echo("cdk bootstrap gave up on a throttled AWS call; bootstrapping again")
        except DeployError:
            # Another run bootstrapping the same endpoint at the same moment is refused the same stack:
            # its bootstrap serves this run too.
            state = self._stacks.describe(BOOTSTRAP_STACK)
            if state is not None and state.phase is StackPhase.IN_PROGRESS:
                state = self._stacks.wait_until_settled(
                    BOOTSTRAP_STACK, EventFeed(BOOTSTRAP_STACK), self._print_event, WAIT_TIMEOUT_SECONDS
                )
            if state is None or state.phase is not StackPhase.COMPLETE:
                raise
            self._echo(f"{BOOTSTRAP_STACK} was bootstrapped by another run at the same time: using it")

    def _changed_by_another_run(self, names: Sequence[str]) -> list[str]:
        """After a failed `cdk deploy`: stacks in the middle of an operation, or deployed fine all
        the same (another deploy executed its change set or ours: the CLI uses one change-set name
        per stack). Either means a race to retry; a rolled-back stack is this deploy's own failure."""
        racing = []
        for name in names:
            state = self._stacks.describe(name)
            if state is not None and state.phase in (StackPhase.IN_PROGRESS, StackPhase.COMPLETE):
                racing.append(name)
        return racing

    def _deploy_assembly(
        self,
        plan: DeployPlan,
        assembly: CloudAssembly,
        tags: dict[str, str],
        started_at: datetime,
        parameters: Sequence[str],
    ) -> list[tuple[str, str, dict[str, str]]]:
        self._prepare_existing(assembly.stack_names, plan.context.repository)
        if plan.target.is_local:
            # Runs sharing one local endpoint bootstrap it one at a time (a host-wide lock: the
            # endpoint is on this machine); the second finds CDKToolkit and skips.
            with _host_lock(f"bootstrap-{plan.target.endpoint_url}"):
                if self._stacks.describe(BOOTSTRAP_STACK) is None:
                    self._bootstrap(plan.target.region)
        self._echo(f"Deploying {len(assembly.stacks)} stack(s): {', '.join(assembly.stack_names)}")
        feeds = {
            name: EventFeed(name, since=started_at - timedelta(seconds=5)) for name in assembly.stack_names
        }
        for attempt in range(1, DEPLOY_ATTEMPTS + 1):
            exit_code, tail = self._cli.deploy(
                assembly, tags, sequential_assets=plan.target.is_local, parameters=parameters
            )
            if exit_code == 0 or attempt == DEPLOY_ATTEMPTS:
                break
            racing = self._changed_by_another_run(assembly.stack_names)
            if not racing and CHANGE_SET_LOST.search(tail):
                racing = list(assembly.stack_names)  # another deploy replaced our change set
            if racing:
                # Two runs for one PR (a re-run, a second push): CloudFormation lets one operation
                # per stack through and refuses the other. Wait for the winner, then deploy over it.
                self._echo(f"{', '.join(racing)}: changed by another run at the same time; deploying again")
            elif throttled(tail):
                self._echo("cdk deploy gave up on a throttled AWS call; deploying again")
            else:
                break
            self._prepare_existing(assembly.stack_names, plan.context.repository)
        return self._verify(assembly.stack_names, feeds, exit_code, tail)

    def _prepare_existing(self, names: Sequence[str], repository: str) -> None:
        """Refuse foreign stacks; wait out a cancelled run's *_IN_PROGRESS; clear failed creates."""
        existing = {name: state for name in names if (state := self._stacks.describe(name)) is not None}
        require_ownership({name: state.tags for name, state in existing.items()}, repository)
        for name, state in existing.items():
            if state.phase is StackPhase.IN_PROGRESS:
                self._echo(f"Waiting for {name} ({state.status}) to settle before deploying")
                state = self._stacks.wait_until_settled(
                    name, EventFeed(name), self._print_event, WAIT_TIMEOUT_SECONDS
                )
            if state is not None and state.status == "ROLLBACK_COMPLETE":
                # A failed first create cannot be updated; CloudFormation requires deleting it.
                self._echo(f"{name} is ROLLBACK_COMPLETE from a failed create: deleting it first")
                self._stacks.delete(name)
                self._stacks.wait_until_settled(
                    name, EventFeed(name), self._print_event, WAIT_TIMEOUT_SECONDS
                )

    def _verify(
        self, names: Sequence[str], feeds: dict[str, EventFeed], exit_code: int, tail: str
    ) -> list[tuple[str, str, dict[str, str]]]:
        """Trust describe_stacks, not the CLI's exit code: an emulator and partial failures can disagree."""
        deployed: list[tuple[str, str, dict[str, str]]] = []
        problems: list[str] = []
        for name in names:
            state = self._stacks.describe(name)
            if state is None:
                problems.append(f"{name}: not found after deploy")
                continue
            if state.phase is not StackPhase.COMPLETE:
                reasons = failure_reasons(self._stacks.new_events(EventFeed(name, since=feeds[name].since)))
                detail = "; ".join(reasons[:5]) or state.status_reason or "no reason given"
                problems.append(f"{name}: {state.status} ({detail})")
                continue
            deployed.append((name, state.status, state.outputs))
        if problems:
            raise DeployError(
                "deploy failed: " + " | ".join(problems) + (f"\nCDK CLI output:\n{tail}" if exit_code else "")
            )
        if exit_code != 0:
            raise DeployError(f"cdk deploy exited {exit_code} although the stacks look complete:\n{tail}")
        return deployed

    def _print_event(self, event: StackEvent) -> None:
        self._echo(event.line())


@contextmanager
def _host_lock(key: str) -> Iterator[None]:
    """An exclusive lock shared by every process on this machine that uses the same `key`."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"serverless-pr-test-{digest}.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
