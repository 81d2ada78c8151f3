"""Which local endpoint the workers' AWS SDK calls go to.

moto reads one process-wide MOTO_PORT, which LocalEndpoint.start() overwrites; with two endpoints in
one process (a session fixture and a module fixture) and the newer one stopped, MOTO_PORT names a
dead port. LocalEndpoint tells this module when it starts and stops, so workers get a live one.
"""

from __future__ import annotations

import os
import threading

_serving: list[int] = []
_registered = False
_lock = threading.Lock()


def endpoint_started(port: int) -> None:
    global _registered
    with _lock:
        _registered = True
        if port in _serving:
            _serving.remove(port)
        _serving.append(port)


def endpoint_stopped(port: int) -> None:
    with _lock:
        if port in _serving:
            _serving.remove(port)


def current_endpoint_port() -> int:
    """MOTO_PORT while that endpoint serves, else the most recently started one still serving."""
    env_port = int(os.environ.get("MOTO_PORT") or "5000")
    with _lock:
        if not _serving or env_port in _serving:
            return env_port
        return _serving[-1]


def endpoint_serving() -> bool:
    """False once every LocalEndpoint of this process stopped: pollers then pause instead of
    starting workers that could not reach anything (moto's state outlives the endpoint)."""
    with _lock:
        return bool(_serving) or not _registered
