"""The embedded local AWS endpoint: a moto server on 127.0.0.1 with the gaps CDK apps hit fixed."""

from runner.local.endpoint import LocalEndpoint

__all__ = ["LocalEndpoint"]
