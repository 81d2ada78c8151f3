"""Apply every moto patch the host runtime needs, once per process."""

from __future__ import annotations

import threading

from runner.local.lambda_host import (
    custom_resources,
    event_sources,
    eventbridge_target,
    invoke_seam,
    logs_target,
    s3_target,
    sns_target,
)

_installed = False
_lock = threading.Lock()


def install_lambda_host() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        invoke_seam.install()
        event_sources.install()
        sns_target.install()
        eventbridge_target.install()
        s3_target.install()
        logs_target.install()
        custom_resources.install()
        _installed = True
