"""One embedded engine per corpus module: its apps deploy, run and are destroyed on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from runner.local import LocalEndpoint


@pytest.fixture(scope="module")
def endpoint() -> Iterator[LocalEndpoint]:
    running = LocalEndpoint.start()
    yield running
    running.stop()
