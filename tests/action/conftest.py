"""Shared pieces for the action tests: the repository root, a local endpoint, the fake GitHub."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ORDERS_APP = REPO_ROOT / "tests" / "fixtures" / "cdk_apps" / "orders"


def load_fake_github() -> type:
    """The strict fake GitHub API (tests/integration/report/github_server.py), imported as the
    report tests import it (`report.github_server`), so both share one module."""
    integration = str(REPO_ROOT / "tests" / "integration")
    if integration not in sys.path:
        sys.path.insert(0, integration)
    return importlib.import_module("report.github_server").FakeGitHub


@pytest.fixture(scope="module")
def endpoint():
    from runner.local import LocalEndpoint

    running = LocalEndpoint.start()
    yield running
    running.stop()
