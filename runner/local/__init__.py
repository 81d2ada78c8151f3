"""The embedded local AWS endpoint: MiniStack in its own process on 127.0.0.1, plus our layer."""

from runner.local.endpoint import LocalEndpoint

__all__ = ["LocalEndpoint"]
