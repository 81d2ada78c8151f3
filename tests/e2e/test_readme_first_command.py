"""README command 1 (after its installs): the whole flow on stacks/example, on an embedded endpoint."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_run_local_on_the_example_app_passes_and_leaves_nothing(tmp_path):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "runner",
            "run",
            "--local",
            str(ROOT / "stacks" / "example"),
            "--work-dir",
            str(tmp_path / "work"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert re.search(r"^=+ \d+ passed in [\d.]+s", output, re.MULTILINE), output  # nothing failed or skipped
    assert "destroyed 1 stack(s), 0 leftovers" in output
    assert "Total wall time" in output
    assert "CREATE_COMPLETE" in output  # stack events were streamed
    assert (tmp_path / "work" / "results" / "shard-1.xml").is_file()
    # the report: shown in the terminal with a non-zero cost for the run and a per-day figure
    assert re.search(r"^PASSED: \d+ tests", output, re.MULTILINE), output
    cost = re.search(r"^cost: \$(\d+\.\d+) for this run .*/day", output, re.MULTILINE)
    assert cost, output
    assert float(cost.group(1)) > 0, output
    assert (tmp_path / "report.md").is_file()
