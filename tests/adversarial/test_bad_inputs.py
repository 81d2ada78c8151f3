"""Every bad input ends in one `Error:` line naming it and its exit code: no traceback, nothing
synthesized, deployed or deleted. PR numbers, shard counts, TTLs and ages have bounds; records,
events and endpoints are checked before use; outputs that cannot be written fail before the work.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from runner.errors import UnreachableError

from .conftest import QUEUE, assert_one_clean_error, cli, cli_env, create_stack, stack_exists, tags

FIVE_THOUSAND_DIGITS = "7" * 5000


def refused_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def app(make_app, tmp_path):
    """The tiny app; its synth would write `synth-ran`, which no case here may create."""
    return make_app("bad")


def no_synth(app_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {**app_env, "ADV_ENV_DUMP": str(tmp_path / "synth-ran")}


@pytest.mark.parametrize(
    ("flags", "names"),
    [
        (["--pr", "²"], "--pr"),
        (["--pr", "١٢"], "--pr"),
        (["--pr", FIVE_THOUSAND_DIGITS], "--pr"),
        (["--pr", "0"], "--pr"),
        (["--pr", "1000000001"], "--pr"),
        (["--pr", "1", "--ttl-hours", "nan"], "--ttl-hours"),
        (["--pr", "1", "--ttl-hours", "inf"], "--ttl-hours"),
        (["--pr", "1", "--ttl-hours", "1e12"], "--ttl-hours"),
        (["--pr", "1", "--ttl-hours", "-1"], "--ttl-hours"),
        (["--pr", "1", "--synth-timeout", "nan"], "--synth-timeout"),
        (["--pr", "1", "--region", "bad region!"], "region 'bad region!'"),
        (["--pr", "1", "--endpoint-url", "notaurl"], "endpoint URL 'notaurl'"),
        (["--pr", "1", "--endpoint-url", "http://127.0.0.1:99999"], "endpoint URL"),
    ],
)
def test_deploy_refuses_a_bad_flag_before_the_synth(endpoint, app, tmp_path, flags, names):
    ran = cli(
        ["deploy", str(app), *flags, "--work-dir", str(tmp_path / "w")], no_synth(cli_env(endpoint), tmp_path)
    )
    assert_one_clean_error(ran, 2, names)
    assert not (tmp_path / "synth-ran").exists()


def test_deploy_finds_an_unreachable_endpoint_before_the_synth(endpoint, app, tmp_path):
    url = f"http://127.0.0.1:{refused_port()}"
    env = no_synth(cli_env(endpoint, AWS_ENDPOINT_URL=url), tmp_path)
    ran = cli(
        ["deploy", str(app), "--local", "--pr", "1", "--work-dir", str(tmp_path / "w")], env, timeout=60
    )
    assert_one_clean_error(ran, UnreachableError.exit_code, f"nothing answers at {url}")
    assert not (tmp_path / "synth-ran").exists()


@pytest.mark.parametrize(
    ("event", "names"),
    [
        ({"pull_request": {"number": "²"}}, "pull_request.number"),
        ({"pull_request": {"number": True}}, "pull_request.number"),
        ({"pull_request": {"number": 1.5}}, "pull_request.number"),
        ({"pull_request": {"number": 10**10}}, "pull_request.number"),
        ({"pull_request": {"number": 7, "head": "not-an-object"}, "x": 1}, None),
        ({"inputs": {"pr": "-4"}}, "input `pr`"),
    ],
)
def test_a_bad_pr_number_in_the_event_is_one_error(endpoint, app, tmp_path, event, names):
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    env = no_synth(cli_env(endpoint, GITHUB_EVENT_PATH=str(path)), tmp_path)
    ran = cli(["deploy", str(app), "--ttl-hours", "nan", "--work-dir", str(tmp_path / "w")], env)
    # A well-formed event gets past the PR number and stops at the next bad input instead.
    assert_one_clean_error(ran, 2, names or "--ttl-hours")


def test_an_event_with_a_5000_digit_pr_number_is_one_error(endpoint, app, tmp_path):
    path = tmp_path / "event.json"
    path.write_text('{"pull_request": {"number": ' + FIVE_THOUSAND_DIGITS + "}}", encoding="utf-8")
    env = no_synth(cli_env(endpoint, GITHUB_EVENT_PATH=str(path)), tmp_path)
    ran = cli(["deploy", str(app), "--work-dir", str(tmp_path / "w")], env)
    assert_one_clean_error(ran, 2, "GITHUB_EVENT_PATH")


@pytest.mark.parametrize(
    ("inputs", "names"),
    [
        ({"INPUT_COMMAND": "destroy", "INPUT_PR": "²"}, "--pr"),
        ({"INPUT_COMMAND": "destroy", "INPUT_PR": FIVE_THOUSAND_DIGITS}, "--pr"),
        ({"INPUT_COMMAND": "test", "INPUT_TOTAL_SHARDS": "257"}, "input `total-shards`"),
        ({"INPUT_COMMAND": "test", "INPUT_TOTAL_SHARDS": "²"}, "input `total-shards`"),
    ],
)
def test_bad_action_inputs_are_one_error(endpoint, tmp_path, inputs, names):
    env = {**cli_env(endpoint), **inputs}
    completed = subprocess.run(
        [sys.executable, "-m", "runner.cli.action"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )
    from .conftest import Ran

    assert_one_clean_error(Ran(completed.returncode, completed.stdout), 2, names)


@pytest.mark.parametrize(
    ("flags", "names"),
    [
        (["--max-age", "nan"], "--max-age"),
        (["--max-age", "inf"], "--max-age"),
        (["--max-age", "1e12"], "--max-age"),
        (["--max-age", "0"], "--max-age"),
    ],
)
def test_the_janitor_refuses_an_unbounded_max_age(endpoint, aws, unique, flags, names):
    repository = f"acme/{unique}"
    create_stack(aws, f"{unique}-pr-1", QUEUE, tags(repository=repository, expires="2020-01-01T00:00:00Z"))
    ran = cli(
        ["janitor", "--repository", repository, "--endpoint-url", endpoint.url, *flags], cli_env(endpoint)
    )
    assert_one_clean_error(ran, 2, names)
    assert stack_exists(aws, f"{unique}-pr-1")  # nothing deleted


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["test", "--shard", "1/99999999999999999999"], "shard"),
        (["test", "--shard", "1/257"], "shard count must be from 1 to 256"),
        (["test", "--shard", "²/3"], "shard must look like i/N"),
        (["report", "--shards", "257"], "--shards"),
        (["run", "--local", "--shards", "65"], "--shards"),
        (["run", "--local", "--ttl-hours", "inf"], "--ttl-hours"),
    ],
)
def test_shard_counts_and_run_limits_are_bounded(endpoint, tmp_path, args, names):
    ran = cli(args, cli_env(endpoint), cwd=tmp_path, timeout=60)
    assert_one_clean_error(ran, 2, names)


def record_with(tmp_path: Path, endpoint, stack_name: str, **overrides: object) -> Path:
    record: dict[str, object] = {
        "version": 1,
        "repository": "acme/shop",
        "pr_number": 1,
        "commit": "abc",
        "run_id": "local-1",
        "region": endpoint.region,
        "endpoint_url": endpoint.url,
        "stacks": [{"name": stack_name, "status": "CREATE_COMPLETE", "outputs": {}}],
        "tags": {},
        "deployed_at": "2026-12-07T00:00:00Z",
    }
    record.update(overrides)
    path = tmp_path / "deployment.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({"stacks": [{"name": "STACK", "status": "CREATE_COMPLETE", "outputs": "abc"}]}, "'outputs'"),
        ({"stacks": [{"name": None, "status": "CREATE_COMPLETE"}]}, "'name' must be str, got null"),
        ({"stacks": [{"name": "STACK\n::error::x", "status": "CREATE_COMPLETE"}]}, "is not a stack name"),
        ({"stacks": "STACK"}, "'stacks' must be list"),
        ({"pr_number": "²"}, "pr_number"),
        ({"repository": None}, "'repository' must be str"),
        ({"endpoint_url": 5}, "endpoint_url"),
        ({"endpoint_url": "http://evil.example:4566"}, "not on this machine"),
        ({"duration_seconds": "NaN"}, "duration_seconds"),
    ],
)
def test_a_corrupt_record_is_one_error_and_deletes_nothing(endpoint, aws, unique, tmp_path, overrides, names):
    stack = f"{unique}-pr-1"
    create_stack(aws, stack, QUEUE, tags())
    fixed = json.loads(json.dumps(overrides).replace("STACK", stack))
    path = record_with(tmp_path, endpoint, stack, **fixed)
    ran = cli(["destroy", "--record", str(path)], cli_env(endpoint))
    assert_one_clean_error(ran, 2, names)
    assert stack_exists(aws, stack)


def test_a_deeply_nested_record_is_one_error(endpoint, tmp_path):
    path = tmp_path / "deployment.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    ran = cli(["destroy", "--record", str(path)], cli_env(endpoint))
    assert_one_clean_error(ran, 2, "is unreadable")
    (tmp_path / "tests").mkdir()
    ran = cli(
        ["test", "--record", str(path), "--results-dir", str(tmp_path / "r")], cli_env(endpoint), cwd=tmp_path
    )
    assert_one_clean_error(ran, 2, "is unreadable")


@pytest.mark.parametrize(
    ("flags", "names"),
    [
        (["--stack-name", "x", "--endpoint-url", "notaurl"], "endpoint URL 'notaurl'"),
        (["--stack-name", "x", "--endpoint-url", "http://127.0.0.1:PORT"], "nothing answers at"),
        (["--stack-name", "x", "--region", "bad region!"], "region 'bad region!'"),
        (["--pr", "²", "--stack-prefix", "shop"], "--pr"),
        (["--pr", FIVE_THOUSAND_DIGITS, "--stack-prefix", "shop"], "--pr"),
    ],
)
def test_destroy_refuses_a_bad_target_or_pr_with_one_error(endpoint, flags, names):
    flags = [flag.replace("PORT", str(refused_port())) for flag in flags]
    ran = cli(["destroy", *flags], cli_env(endpoint), timeout=60)
    assert_one_clean_error(ran, UnreachableError.exit_code if "nothing answers" in names else 2, names)


@pytest.mark.parametrize("flag", ["--output", "--durations", "--merged-junit"])
def test_report_fails_early_when_an_output_cannot_be_written(endpoint, tmp_path, flag):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    (tmp_path / "results").mkdir()
    args = ["report", "--results-dir", str(tmp_path / "results"), "--no-comment", "--no-cost"]
    args += ["--output", str(tmp_path / "report.md")] if flag != "--output" else []
    ran = cli([*args, flag, str(blocker / "out")], cli_env(endpoint), cwd=tmp_path)
    assert_one_clean_error(ran, 2, f"{flag} {blocker / 'out'} cannot be written")


def test_test_fails_early_when_the_results_dir_cannot_be_written(endpoint, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    ran = cli(["test", "--results-dir", str(blocker / "results")], cli_env(endpoint), cwd=tmp_path)
    assert_one_clean_error(ran, 2, "--results-dir")
