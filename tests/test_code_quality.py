"""The project's own standards, checked with the suite: ruff (lint and format) and mypy strict on runner/."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_no_lint_problems():
    completed = run(sys.executable, "-m", "ruff", "check", ".")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_code_is_ruff_formatted():
    completed = run(sys.executable, "-m", "ruff", "format", "--check", ".")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_runner_passes_mypy_strict():
    completed = run(sys.executable, "-m", "mypy")
    assert completed.returncode == 0, completed.stdout + completed.stderr
