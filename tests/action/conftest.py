"""Shared pieces for the action tests: the repository root, a local endpoint, the fake GitHub."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ORDERS_APP = REPO_ROOT / "tests" / "fixtures" / "cdk_apps" / "orders"


def load_fake_github() -> type:
    """The report tests' GitHub REST server (tests/integration/report is not on sys.path here)."""
    path = REPO_ROOT / "tests" / "integration" / "report" / "github_server.py"
    spec = importlib.util.spec_from_file_location("spt_fake_github_server", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.FakeGitHub


@pytest.fixture(scope="module")
def endpoint():
    from runner.local import LocalEndpoint

    running = LocalEndpoint.start()
    yield running
    running.stop()
