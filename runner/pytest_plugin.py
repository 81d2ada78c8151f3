"""pytest plugin (entry point `serverless_pr_test`): fixtures for tests against a PR stack, and sharding.

It loads into every pytest run where the package is installed, so importing it costs nothing beyond
pytest itself: the
helpers (and boto3 with them) are imported only when a fixture that uses them runs.

Options (env var defaults): --spt-record (SPT_RECORD_FILE), --spt-stack-name (SPT_STACK_NAMES,
comma-separated), --spt-shard i/N (SPT_SHARD), --spt-durations (SPT_DURATIONS_FILE), --spt-group-by
(SPT_GROUP_BY), --spt-plan-out (SPT_PLAN_OUT), --spt-progress-out (the test running now, so a
crashed shard can be named). The run id comes from SPT_RUN_ID.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from runner.errors import RunnerError
from runner.shards.plugin_settings import PluginSettings, SettingsError
from runner.shards.selector import ShardSelector
from runner.shards.shard_exit import ProgressFile

# The helpers import boto3: only a fixture that uses one imports them.
if TYPE_CHECKING:
    from runner.testing.events import EventCapture
    from runner.testing.stack import StackContext
    from runner.testing.warmup import WarmResult

_SETTINGS = pytest.StashKey["PluginSettings"]()
_RUN_ID = pytest.StashKey[str]()
_ISOLATION_USES = pytest.StashKey[dict[str, int]]()
# Fixtures that need to know which stack to talk to.
_STACK_FIXTURES = frozenset({"stack", "capture_events", "warm"})
CORRELATION_PROPERTY = "correlation_id"
COLD_START_PROPERTY = "cold_start_ms"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("serverless-pr-test", "serverless-pr-test: PR stacks and sharding")
    group.addoption(
        "--spt-record", metavar="PATH", help="deployment record from `deploy` (env SPT_RECORD_FILE)"
    )
    group.addoption(
        "--spt-stack-name",
        metavar="NAME",
        action="append",
        default=[],
        help="stack to read outputs from with describe_stacks; repeatable (env SPT_STACK_NAMES)",
    )
    group.addoption("--spt-shard", metavar="i/N", help="run only shard i of N (env SPT_SHARD)")
    group.addoption(
        "--spt-durations", metavar="PATH", help="durations store {nodeid: seconds} (env SPT_DURATIONS_FILE)"
    )
    group.addoption(
        "--spt-group-by",
        choices=("module", "class", "none"),
        help="keep each module or class on one shard (default none; env SPT_GROUP_BY)",
    )
    group.addoption(
        "--spt-plan-out", metavar="PATH", help="write this shard's plan slice here (env SPT_PLAN_OUT)"
    )
    group.addoption(
        "--spt-progress-out", metavar="PATH", help="keep the node id of the test running now in this file"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spt_group(name): keep tests with the same group name on one shard")
    option = config.option
    env = os.environ
    progress_out = getattr(option, "spt_progress_out", None)
    if progress_out and not hasattr(config, "workerinput"):  # xdist workers report to the controller
        config.pluginmanager.register(ProgressFile(Path(progress_out)), "serverless-pr-test-progress")
    uses_plugin = any(
        getattr(option, name, None) for name in ("spt_record", "spt_stack_name", "spt_shard", "spt_durations")
    ) or any(getattr(option, name, None) for name in ("spt_group_by", "spt_plan_out"))
    if not uses_plugin and not any(name.startswith("SPT_") for name in env):
        return
    try:
        settings = PluginSettings.resolve(option, env, Path(config.invocation_params.dir))
    except SettingsError as error:
        raise pytest.UsageError(str(error)) from error
    config.stash[_SETTINGS] = settings
    if settings.selects_tests:
        config.pluginmanager.register(ShardSelector(settings), "serverless-pr-test-shards")


def pytest_collection_finish(session: pytest.Session) -> None:
    """A clear usage error before any test runs when tests need a stack and none is named."""
    if not any(_uses_stack_fixture(item) for item in session.items):
        return
    settings = _settings(session.config)
    if settings.record_file is None and not settings.stack_names:
        raise pytest.UsageError(
            "these tests use the `stack` fixture but no stack is known: pass --spt-record PATH "
            "(or set SPT_RECORD_FILE) or --spt-stack-name NAME (or SPT_STACK_NAMES)"
        )


def _uses_stack_fixture(item: pytest.Item) -> bool:
    """True when the item requests one of this plugin's stack fixtures; a project fixture that happens
    to be called `stack` overrides ours and needs nothing from us."""
    wanted = _STACK_FIXTURES.intersection(getattr(item, "fixturenames", ()))
    if not wanted:
        return False
    fixture_info = getattr(item, "_fixtureinfo", None)
    definitions = getattr(fixture_info, "name2fixturedefs", {})
    for name in wanted:
        chosen = definitions.get(name)
        if chosen and getattr(chosen[-1].func, "__module__", None) == __name__:
            return True
    return False


def _settings(config: pytest.Config) -> PluginSettings:
    if _SETTINGS not in config.stash:
        try:
            config.stash[_SETTINGS] = PluginSettings.resolve(
                config.option, os.environ, Path(config.invocation_params.dir)
            )
        except SettingsError as error:
            raise pytest.UsageError(str(error)) from error
    return config.stash[_SETTINGS]


def _run_id(config: pytest.Config) -> str:
    if _RUN_ID not in config.stash:
        from runner.testing.ids import run_id_from_env

        config.stash[_RUN_ID] = run_id_from_env(os.environ)
    return config.stash[_RUN_ID]


@pytest.fixture(scope="session")
def spt_run_id(pytestconfig: pytest.Config) -> str:
    """This run's id (SPT_RUN_ID, else a fresh one per session): the prefix of every correlation id."""
    return _run_id(pytestconfig)


@pytest.fixture(scope="session")
def stack(pytestconfig: pytest.Config) -> StackContext:
    """Outputs, stack names, region and boto3 clients of the deployed PR stack(s)."""
    from runner.testing.stack import require_source, stack_from_names, stack_from_record

    settings = _settings(pytestconfig)
    try:
        require_source(settings.record_file, settings.stack_names)
        if settings.record_file is not None:
            return stack_from_record(settings.record_file, _run_id(pytestconfig), os.environ)
        return stack_from_names(settings.stack_names, _run_id(pytestconfig), os.environ)
    except RunnerError as error:
        pytest.fail(f"serverless-pr-test: {error}", pytrace=False)


@pytest.fixture
def correlation_id(request: pytest.FixtureRequest) -> str:
    """Deterministic per test and run; recorded as a JUnit testcase property."""
    from runner.testing.ids import correlation_id as make_correlation_id

    value = make_correlation_id(_run_id(request.config), request.node.nodeid)
    # user_properties is what record_property appends to, without its xunit2 warning.
    request.node.user_properties.append((CORRELATION_PROPERTY, value))
    return value


@pytest.fixture
def isolation_key(request: pytest.FixtureRequest) -> str:
    """Unique per run, shard and test: a data key no other test or shard writes."""
    from runner.testing.ids import isolation_key as make_isolation_key

    uses = request.config.stash.setdefault(_ISOLATION_USES, {})
    nodeid = request.node.nodeid
    occurrence = uses.get(nodeid, 0)
    uses[nodeid] = occurrence + 1
    return make_isolation_key(
        _run_id(request.config), _settings(request.config).shard_label, nodeid, occurrence
    )


@pytest.fixture
def capture_events(stack: StackContext) -> Iterator[Callable[..., EventCapture]]:
    """`capture_events(bus, pattern, run_id_path=None)` -> a started EventCapture; every capture made
    in the test is deleted when it ends, pass or fail."""
    from runner.testing.events import EventCapture

    captures: list[EventCapture] = []

    def start(bus: str, pattern: dict[str, Any], run_id_path: str | None = None) -> EventCapture:
        capture = EventCapture(
            stack.client("events"),
            stack.client("sqs"),
            bus,
            pattern,
            run_id=stack.run_id,
            tags=stack.resource_tags(),
            run_id_path=run_id_path,
        )
        captures.append(capture.start())
        return capture

    yield start
    errors: list[str] = []
    for capture in reversed(captures):
        try:
            capture.close()
        except Exception as error:
            errors.append(str(error))
    if errors:
        pytest.fail("; ".join(errors), pytrace=False)


@pytest.fixture
def warm(stack: StackContext, request: pytest.FixtureRequest) -> Callable[..., WarmResult]:
    """`warm(function_name, payload=None)`: invoke until the function answers; the cold start (Init
    Duration, ms) is recorded as a JUnit testcase property."""
    from runner.testing.warmup import warm as warm_function

    def run(function_name: str, payload: object = None, timeout: float = 60.0) -> WarmResult:
        result = warm_function(
            stack.client("lambda"), stack.client("logs"), function_name, payload=payload, timeout=timeout
        )
        if result.cold_start_ms is not None:
            request.node.user_properties.append(
                (f"{COLD_START_PROPERTY}.{function_name}", result.cold_start_ms)
            )
        return result

    return run
