"""The one registry of what this project changes inside MiniStack, each patch named for the AWS
behaviour it restores (its module docstring says what AWS does and whether it wraps or replaces)."""

from __future__ import annotations

import importlib
from collections.abc import Callable

# Module name -> its `apply()`; applied in this order before MiniStack serves a request.
PATCHES: tuple[str, ...] = ("delivery_latency",)

applied: list[str] = []


def apply_all() -> None:
    for name in PATCHES:
        if name in applied:
            continue
        module = importlib.import_module(f"spt_engine.patches.{name}")
        apply: Callable[[], None] = module.apply
        apply()
        applied.append(name)
