import os

import pytest


@pytest.fixture(autouse=True)
def _no_runner_environment(monkeypatch):
    """The plugin reads SPT_* defaults; the inner pytest runs must see only what each test sets."""
    for name in list(os.environ):
        if name.startswith("SPT_"):
            monkeypatch.delenv(name)
