"""Which local engine a run uses: one named, one already running, or a fresh one for this run.

A `serverless-pr-test local` left running on port 4566 keeps its bootstrap (CDKToolkit) and any
kept stacks between runs, so a run that finds it there pays neither the engine start nor the
bootstrap again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from runner.local.delivery import DeliveryLatency

DEFAULT_PORT = 4566
DEFAULT_URL = f"http://localhost:{DEFAULT_PORT}"


@contextmanager
def local_engine(
    port: int,
    region: str,
    delivery_latency: str,
    endpoint_url: str | None = None,
    echo: Callable[[str], None] = print,
) -> Iterator[tuple[str, bool]]:
    """Yields (endpoint URL, whether this run started it) with the process environment pointing at
    it. `port` 0 (the default) reuses a healthy engine on 4566; an explicit port starts one there."""
    from runner.local.endpoint import LocalEndpoint, client_environment, is_healthy

    if endpoint_url:
        os.environ.update(client_environment(endpoint_url, region))
        yield endpoint_url, False
        return
    if port == 0 and is_healthy(DEFAULT_URL):
        echo(
            f"Reusing the local AWS endpoint on {DEFAULT_URL} (serverless-pr-test local); "
            "its own --delivery-latency applies"
        )
        os.environ.update(client_environment(DEFAULT_URL, region))
        yield DEFAULT_URL, False
        return
    endpoint = LocalEndpoint.start(
        port=port, region=region, delivery_latency=DeliveryLatency.parse(delivery_latency)
    )
    echo(f"Local AWS endpoint on {endpoint.url}")
    os.environ.update(endpoint.env())
    try:
        yield endpoint.url, True
    finally:
        endpoint.stop()
