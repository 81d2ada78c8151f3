"""Every change the runner makes to the embedded moto server, applied once per process."""

from __future__ import annotations

import threading

_applied = False
_lock = threading.Lock()


def apply_all() -> None:
    """Install the CloudFormation gap fixes and host-process Lambda execution (idempotent)."""
    global _applied
    with _lock:
        if _applied:
            return
        # Filled in by runner.local.fixes (CloudFormation gaps) and runner.local.lambda_host.
        from runner.local.fixes import apply_fixes

        apply_fixes()
        from runner.local.lambda_host import install_lambda_host

        install_lambda_host()
        from runner.local import delivery_hops

        delivery_hops.DELAYED_HOPS.apply()  # after the host: it wraps the host's patches too
        _applied = True
