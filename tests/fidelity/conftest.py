"""One embedded engine per corpus module: its apps deploy, run and are destroyed on it."""

from __future__ import annotations

from tests.support.engine import endpoint_fixture

endpoint = endpoint_fixture("module")
