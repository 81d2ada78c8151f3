"""The tiny app's own tests, run by the runner inside the adversarial cases."""

import os
import sys
import time
from pathlib import Path


def test_the_queue_url_is_injected():
    assert os.environ["SPT_OUTPUT_QUEUE_URL"]


def test_waits_when_asked():
    # The cancellation case signals the runner while this test runs.
    if os.environ.get("ADV_SLEEP"):
        print("ADV TESTS STARTED", flush=True)
        time.sleep(float(os.environ["ADV_SLEEP"]))


def test_prints_what_would_be_workflow_commands():
    for line in (
        "::error title=pwned::pwned-by-pytest",
        "    ::add-mask::pwned-indented",
        "::stop-commands::pwned-token",
        "::pwned-token::",
        "::warning::pwned-after-fake-resume",
    ):
        print(line, flush=True)
        print(line, file=sys.stderr, flush=True)


def test_sees_no_github_credential():
    dump = os.environ.get("ADV_TEST_ENV_DUMP")
    if dump:
        Path(dump).write_text("\n".join(sorted(os.environ)), encoding="utf-8")
