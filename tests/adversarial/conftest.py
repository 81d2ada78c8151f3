"""The adversarial suite's shared parts: one local endpoint per session, the CLI as a subprocess
(as an attacker or a careless user runs it), stacks made directly with CloudFormation's
`create_stack` and tiny templates (no CDK deploy where a real app is not needed), and a reader of
the workflow-command stream that behaves like the GitHub runner.

Every case ends by asserting what must have survived still exists.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from runner.local import LocalEndpoint
from runner.tags import EXPIRES_AT, MANAGED, PR, REPOSITORY
from tests.support.aws import LAMBDA_ROLE, TRIVIAL_HANDLER, inline_function
from tests.support.cli import FOREIGN_PREFIXES, run_cli, runner_env
from tests.support.engine import endpoint_fixture

collect_ignore = ["app"]  # the tiny app's own tests run inside the cases, not in this session

APP_SOURCE = Path(__file__).parent / "app"
REPOSITORY_NAME = "acme/shop"
OTHER_REPOSITORY = "other/repo"


endpoint = endpoint_fixture("session")


@pytest.fixture
def aws(endpoint: LocalEndpoint):
    session = boto3.Session(
        region_name=endpoint.region, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    return lambda service: session.client(service, endpoint_url=endpoint.url)


@pytest.fixture
def unique() -> str:
    """A short random word, so cases sharing the session endpoint never meet."""
    return "a" + uuid.uuid4().hex[:6]


def tags(repository: str | None = REPOSITORY_NAME, pr: int | None = 1, expires: str | None = None):
    """Stack tags as deploy writes them; None leaves a tag out (repository None: not managed)."""
    found = []
    if repository is not None:
        found += [{"Key": MANAGED, "Value": "true"}, {"Key": REPOSITORY, "Value": repository}]
    if pr is not None:
        found.append({"Key": PR, "Value": str(pr)})
    if expires is not None:
        found.append({"Key": EXPIRES_AT, "Value": expires})
    return found


def function(logical_id: str = "Fn", log_group: str | None = None) -> dict[str, object]:
    """Template resources for one Python function and its role (`<logical_id>Role`)."""
    logging = {"LoggingConfig": {"LogGroup": log_group}} if log_group else {}
    return {
        f"{logical_id}Role": LAMBDA_ROLE,
        logical_id: inline_function(TRIVIAL_HANDLER, role=f"{logical_id}Role", **logging),
    }


QUEUE = {"Queue": {"Type": "AWS::SQS::Queue"}}


def create_stack(aws, name: str, resources: dict[str, object], stack_tags: list[dict[str, str]]) -> None:
    aws("cloudformation").create_stack(
        StackName=name, TemplateBody=json.dumps({"Resources": resources}), Tags=stack_tags
    )
    aws("cloudformation").get_waiter("stack_create_complete").wait(
        StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
    )


def stack_exists(aws, name: str) -> bool:
    try:
        stacks = aws("cloudformation").describe_stacks(StackName=name)["Stacks"]
    except aws("cloudformation").exceptions.ClientError:
        return False
    return bool(stacks) and stacks[0]["StackStatus"] != "DELETE_COMPLETE"


def physical_id(aws, stack: str, logical_id: str) -> str:
    detail = aws("cloudformation").describe_stack_resource(StackName=stack, LogicalResourceId=logical_id)
    return str(detail["StackResourceDetail"]["PhysicalResourceId"])


def log_group_exists(aws, name: str) -> bool:
    groups = aws("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return any(group["logGroupName"] == name for group in groups)


def cli_env(endpoint: LocalEndpoint, **extra: str) -> dict[str, str]:
    """The CLI's environment for these cases: no GitHub, runner, Actions or AWS variables of this
    process; GitHub calls (deployments, comments) go to a closed local port unless a case names its
    own server, so no test reaches the internet."""
    drop = (*FOREIGN_PREFIXES, "INPUT_", "ACTIONS_", "AWS_")
    extra = {"GITHUB_API_URL": "http://127.0.0.1:9", **extra}
    return runner_env(endpoint, REPOSITORY_NAME, drop, **extra)


@dataclass(frozen=True)
class Ran:
    code: int
    output: str  # stdout and stderr as one stream, in order (as the Actions log sees them)

    @property
    def lines(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.strip()]

    @property
    def last_line(self) -> str:
        """The last line a reader sees (in Actions the runner hides the stop-commands markers)."""
        return visible_last_line(self.lines)

    def error_lines(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith("Error:")]

    def __str__(self) -> str:
        return f"exit {self.code}\n{self.output}"


STOP_MARKER = re.compile(r"^::(stop-commands::)?[0-9a-f]{32}(::)?$")


def visible_last_line(lines: list[str]) -> str:
    visible = [line for line in lines if line.strip() and not STOP_MARKER.match(line)]
    return visible[-1] if visible else ""


def cli(args: list[str], env: dict[str, str], cwd: Path | None = None, timeout: float = 300) -> Ran:
    completed = run_cli(args, cwd, env, timeout, merged=True)
    return Ran(completed.returncode, completed.stdout)


def assert_one_clean_error(ran: Ran, code: int, names: str) -> None:
    """One `Error:` line naming the input, its exit code, and no traceback."""
    assert ran.code == code, str(ran)
    assert "Traceback" not in ran.output, str(ran)
    assert len(ran.error_lines()) == 1, str(ran)
    assert names in ran.error_lines()[0], str(ran)


@pytest.fixture
def make_app(tmp_path: Path):
    """A copy of the tiny hand-written-assembly app (tests/adversarial/app)."""

    def make(name: str = "adv") -> Path:
        destination = tmp_path / name
        shutil.copytree(APP_SOURCE, destination, ignore=shutil.ignore_patterns("__pycache__", "cdk.out"))
        return destination

    return make


# --- the GitHub runner's command parsing, for the injection cases ---------------------------------
_COMMAND = re.compile(r"^::([A-Za-z0-9_-]+)(?: [^:]*)?::(.*)$")


@dataclass(frozen=True)
class ParsedCommand:
    name: str
    line: str


def workflow_commands(log: str) -> list[ParsedCommand]:
    """The commands the runner would act on in `log`: it strips leading whitespace before matching
    `::name ...::`, and `::stop-commands::<token>` suspends everything until a line `::<token>::`."""
    found: list[ParsedCommand] = []
    stopped_until: str | None = None
    for raw in log.splitlines():
        line = raw.lstrip()
        if stopped_until is not None:
            if line == f"::{stopped_until}::":
                stopped_until = None
            continue
        match = _COMMAND.match(line)
        if not match:
            continue
        name, value = match.group(1), match.group(2)
        if name == "stop-commands":
            stopped_until = value
            continue
        found.append(ParsedCommand(name, line))
    return found
