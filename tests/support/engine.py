"""The local engine as a pytest fixture, for the folders whose tests share one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal

import pytest

from runner.local import LocalEndpoint

Scope = Literal["session", "package", "module", "class", "function"]


def endpoint_fixture(scope: Scope = "function", name: str = "endpoint") -> Callable[..., Any]:
    """A fixture that starts a local engine for `scope` and stops it after:
    `endpoint = endpoint_fixture("session")` in a conftest (an engine starts in about half a second,
    and its state lives as long as it does: the scope says which tests may see each other's)."""

    @pytest.fixture(scope=scope, name=name)
    def endpoint() -> Iterator[LocalEndpoint]:
        running = LocalEndpoint.start()
        yield running
        running.stop()

    return endpoint
