"""Host-process Lambda for the embedded endpoint: Python handlers run in warm worker subprocesses
instead of docker, and every trigger moto drives reaches them with the event shape AWS sends.

    install_lambda_host()            patch moto once (called from runner.local.patches.apply_all)
    endpoint_started(p)              an endpoint now serves on port p (LocalEndpoint.start)
    stop_execution_environments(p)   kill the workers serving endpoint port p (LocalEndpoint.stop)
    worker_pids()                    pids of the live workers (tests assert none survive)
"""

from __future__ import annotations

from runner.local.lambda_host.endpoints import endpoint_started
from runner.local.lambda_host.install import install_lambda_host
from runner.local.lambda_host.service import stop_execution_environments, worker_pids

__all__ = ["endpoint_started", "install_lambda_host", "stop_execution_environments", "worker_pids"]
