"""Start the runner with no credential in its initial environment.

`/proc/<pid>/environ` shows a process's environment as it was at exec, whatever `os.environ` says
later, and every process of the same user can read it: a Lambda handler on the local engine, the
app's synth, the team's tests. Scrubbing children's environments does not hide the parent's. So a
runner started with a GitHub or Actions credential in its environment masks the values, then
re-executes itself once without them; the GitHub token crosses the exec through a pipe and lives
on only in memory (runner.child_env.withhold_token). The other credentials (the Actions
runtime and OIDC request tokens) are never used by the runner and are dropped.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import MutableMapping

from runner import gha
from runner.child_env import TOKEN_VARIABLES, is_secret_name, withhold_token

HANDOFF_VARIABLE = "SPT_WITHHELD_FD"
# A pipe holds at least this much on Linux: the write never waits for a reader.
_PIPE_CAPACITY = 65_536


def restart_without_credentials(environ: MutableMapping[str, str] = os.environ) -> None:
    """Returns in the clean process; never returns from the first one (it becomes the clean one)."""
    handed = environ.pop(HANDOFF_VARIABLE, None)
    if handed is not None:
        withhold_token(_received(handed))
        return
    found = {name: value for name, value in environ.items() if value and is_secret_name(name)}
    if not found:
        return
    for value in found.values():
        gha.add_mask(value)
    payload = json.dumps({name: value for name, value in found.items() if name in TOKEN_VARIABLES}).encode()
    if not sys.platform.startswith("linux") or len(payload) >= _PIPE_CAPACITY:
        withhold_token(environ)  # no /proc to read elsewhere; still no child inherits the token
        return
    read_end, write_end = os.pipe()
    os.write(write_end, payload)
    os.close(write_end)
    os.set_inheritable(read_end, True)
    clean = {name: value for name, value in environ.items() if name not in found}
    clean[HANDOFF_VARIABLE] = str(read_end)
    sys.stdout.flush()
    sys.stderr.flush()
    # The same interpreter and arguments this process started with: nothing from the outside.
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], clean)  # noqa: S606


def _received(descriptor: str) -> dict[str, str]:
    """What the first process wrote; only from a pipe (a stray variable naming a terminal or a file
    must not make the runner wait on or read it)."""
    try:
        fd = int(descriptor)
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return {}
        with os.fdopen(fd, "rb") as pipe:
            payload = json.loads(pipe.read() or b"{}")
    except (OSError, ValueError):
        return {}
    if not isinstance(payload, dict):
        return {}
    return {str(name): str(value) for name, value in payload.items() if str(name) in TOKEN_VARIABLES}
