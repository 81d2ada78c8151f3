"""A synth that never ends is stopped with every process it started; a failed deploy still writes a
record, so a plain `destroy` finds its stacks; PR code (the app's synth) never sees a GitHub
credential."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from .conftest import assert_one_clean_error, cli, cli_env, stack_exists, workflow_commands

HANG = """
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)"])
with open(os.environ["ADV_PIDS"], "w") as out:
    out.write(f"{os.getpid()} {child.pid}")
time.sleep(1000)
"""

SECRETS = {
    "GITHUB_TOKEN": "ghs_canary1",
    "GH_TOKEN": "ghs_canary2",
    "INPUT_GITHUB-TOKEN": "ghs_canary3",
    "INPUT_GITHUB_TOKEN": "ghs_canary4",
    "ACTIONS_RUNTIME_TOKEN": "canary5",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "canary6",
    "ACTIONS_ID_TOKEN_REQUEST_URL": "https://canary.example/oidc",
}


def alive(pid: int) -> bool:
    """Running (a zombie nobody reaped has stopped running)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_hung_synth_is_stopped_at_the_synth_timeout_with_every_process_it_started(endpoint, tmp_path):
    app = tmp_path / "hung"
    app.mkdir()
    (app / "hang.py").write_text(HANG, encoding="utf-8")
    (app / "cdk.json").write_text(json.dumps({"app": "python3 hang.py"}), encoding="utf-8")
    pids = tmp_path / "pids"
    env = cli_env(endpoint, ADV_PIDS=str(pids), CDK_HOME=str(tmp_path / "cdk-home"))
    started = time.monotonic()
    ran = cli(
        ["deploy", str(app), "--pr", "1", "--endpoint-url", endpoint.url, "--synth-timeout", "15",
         "--work-dir", str(tmp_path / "w")],
        env,
        timeout=120,
    )  # fmt: skip
    assert_one_clean_error(ran, 3, "did not finish synthesizing within 15 s (--synth-timeout)")
    assert time.monotonic() - started < 90  # 15 s, a grace to stop, the CLI start
    app_pid, child_pid = (int(pid) for pid in pids.read_text().split())
    assert not alive(app_pid)
    assert not alive(child_pid)


def test_a_failed_deploy_writes_a_record_a_plain_destroy_uses_and_synth_sees_no_token(
    endpoint, aws, make_app, tmp_path
):
    app = make_app("broken")
    work = tmp_path / "w"
    dump = tmp_path / "synth-env"
    # In Actions, with a CloudFormation failure reason that quotes injected text.
    env = cli_env(
        endpoint,
        ADV_BROKEN="adv-missing\n::error::pwned-reason\n  ::add-mask::pwned-reason",
        ADV_ENV_DUMP=str(dump),
        CDK_HOME=str(tmp_path / "cdk-home"),
        GITHUB_ACTIONS="true",
        GITHUB_OUTPUT=str(tmp_path / "github-output"),
        **SECRETS,
    )
    ran = cli(["deploy", str(app), "--pr", "5", "--endpoint-url", endpoint.url, "--work-dir", str(work)], env)
    assert ran.code == 4, str(ran)
    assert "pwned-reason" in ran.output  # CloudFormation's reason was printed, as data
    commands = workflow_commands(ran.output)
    # Our own: groups, masks, the error, and the warning that no GitHub deployment could be made.
    allowed = {"group", "endgroup", "add-mask", "error", "warning"}
    assert {command.name for command in commands} <= allowed, ran.output
    # The reason reaches the log only inside the block and inside our own escaped annotation.
    assert not [command for command in commands if re.match(r"::[\w-]+::pwned", command.line)], ran.output
    record = json.loads((work / "deployment.json").read_text())
    assert [stack["name"] for stack in record["stacks"]] == ["broken-pr-5", "broken-pr-5-broken"]
    assert stack_exists(aws, "broken-pr-5")

    seen = set(dump.read_text().split("\n"))
    assert "AWS_ENDPOINT_URL" in seen  # the app gets what it needs...
    assert not seen & set(SECRETS)  # ...and no GitHub or Actions credential

    destroyed = cli(["destroy", str(app), "--work-dir", str(work)], env)
    assert destroyed.code == 0, str(destroyed)
    assert destroyed.last_line == "Nothing is still deployed."
    assert not stack_exists(aws, "broken-pr-5")
    assert not stack_exists(aws, "broken-pr-5-broken")
