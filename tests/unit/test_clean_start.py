"""A runner started with credentials re-executes itself without them: its initial environment, which
any process of the same user reads at /proc/<pid>/environ, holds none, and the GitHub token still
reaches the runner's own GitHub calls."""

import subprocess
import sys

import pytest

PROBE = """
import os, sys
from runner.cli.clean_start import restart_without_credentials
from runner.github.connection import GithubConnection
restart_without_credentials()
initial = open("/proc/self/environ", "rb").read().decode()
print("pid", os.getpid())
print("initial has token:", "ghs_canary" in initial or "oidc_canary" in initial)
print("os.environ has token:", any("canary" in value for value in os.environ.values()))
print("connection token:", GithubConnection.from_env(os.environ).token)
print("args:", sys.argv[1:])
"""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")


def run_probe(env: dict[str, str]) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, "one", "two words"], env=env, capture_output=True, text=True, check=True
    )
    return completed.stdout.splitlines()


def test_a_start_with_credentials_reexecutes_without_them_and_keeps_the_token_in_memory():
    lines = run_probe(
        {
            "PATH": "/usr/bin:/bin",
            "GITHUB_TOKEN": "ghs_canary",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "oidc_canary",
            "GITHUB_ACTIONS": "true",
        }
    )
    assert lines[0] == "::add-mask::ghs_canary"  # masked before the values leave
    assert "::add-mask::oidc_canary" in lines
    assert "initial has token: False" in lines
    assert "os.environ has token: False" in lines
    assert "connection token: ghs_canary" in lines
    assert "args: ['one', 'two words']" in lines


def test_a_start_without_credentials_does_not_reexecute():
    lines = run_probe({"PATH": "/usr/bin:/bin"})
    assert not any(line.startswith("::add-mask::") for line in lines)
    assert "connection token: " in lines
    assert "args: ['one', 'two words']" in lines


def test_a_stray_handoff_variable_naming_no_pipe_is_ignored(tmp_path):
    stray = tmp_path / "not-a-pipe"
    stray.write_text('{"GITHUB_TOKEN": "ghs_from_a_file"}')
    code = (
        "import os\n"
        "from runner.cli.clean_start import restart_without_credentials\n"
        "from runner.github.connection import GithubConnection\n"
        "fd = os.open(os.environ['STRAY'], os.O_RDONLY)\n"
        "os.environ['SPT_WITHHELD_FD'] = str(fd)\n"
        "restart_without_credentials()\n"
        "print(repr(GithubConnection.from_env(os.environ).token), 'SPT_WITHHELD_FD' in os.environ)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "STRAY": str(stray)},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert completed.stdout.strip() == "'' False"
