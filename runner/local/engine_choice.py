"""Which local engine a run uses: one named, one already running, or a fresh one for this run.

A `serverless-pr-test local` left running on port 4566 keeps its bootstrap (CDKToolkit) and any
kept stacks between runs, so a run that finds it there pays neither the engine start nor the
bootstrap again. The caller points the process at the engine (runner.aws.export_target).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from runner.local.delivery import DeliveryLatency
from runner.local.endpoint import DEFAULT_URL, LocalEndpoint, is_healthy


@contextmanager
def local_engine(
    port: int,
    region: str,
    delivery_latency: str,
    endpoint_url: str | None = None,
    echo: Callable[[str], None] = print,
) -> Iterator[tuple[str, bool]]:
    """Yields (endpoint URL, whether this run started it). `port` 0 (the default) reuses a healthy
    engine on 4566; an explicit port starts one there."""
    if endpoint_url:
        yield endpoint_url, False
        return
    if port == 0 and is_healthy(DEFAULT_URL):
        echo(
            f"Reusing the local AWS endpoint on {DEFAULT_URL} (serverless-pr-test local); "
            "its own --delivery-latency applies"
        )
        yield DEFAULT_URL, False
        return
    endpoint = LocalEndpoint.start(
        port=port, region=region, delivery_latency=DeliveryLatency.parse(delivery_latency)
    )
    echo(f"Local AWS endpoint on {endpoint.url}")
    try:
        yield endpoint.url, True
    finally:
        endpoint.stop()
