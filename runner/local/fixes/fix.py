"""The record every gap fix exposes, and the bookkeeping that makes applying it idempotent."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

_applied: set[str] = set()
_lock = threading.Lock()


@dataclass(frozen=True)
class Fix:
    """One narrow change to moto's internals that makes it behave like AWS for CDK apps."""

    name: str
    description: str
    install: Callable[[], None] = field(repr=False, compare=False)

    def apply(self) -> None:
        """Install the fix once per process; later calls do nothing (patches are process-global)."""
        with _lock:
            if self.name in _applied:
                return
            self.install()
            _applied.add(self.name)

    @property
    def applied(self) -> bool:
        return self.name in _applied
