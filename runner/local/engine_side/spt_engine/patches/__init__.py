"""The one registry of what this project changes inside MiniStack, each patch named for the AWS
behaviour it restores (its module docstring says what AWS does and whether it wraps or replaces).

`SPT_ENGINE_DISABLE_PATCHES=name1,name2` leaves the named patches out: a test proves a patch is
needed by running an engine without it and watching the AWS behaviour fail.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

DISABLE_VARIABLE = "SPT_ENGINE_DISABLE_PATCHES"

# Module name -> its `apply()`; applied in this order before MiniStack serves a request.
PATCHES: tuple[str, ...] = (
    "delivery_latency",
    "lambda_error_type",
    "bucket_template_tags",
    "node_localhost_names",
    "custom_resource_fails_fast",
    "python_logging_lambda_format",
    "function_delete_stops_workers",
    "custom_resource_sdk_preinstalled",
    "stack_tags_on_buckets_and_rules",
    "eventbridge_firehose_target",
    "http_api_endpoint_attribute",
)

applied: list[str] = []


def disabled(environment: dict[str, str] | None = None) -> frozenset[str]:
    """Patch names switched off by SPT_ENGINE_DISABLE_PATCHES; an unknown name is an error, so a
    typo cannot make a "fails without the patch" test pass for the wrong reason."""
    raw = (os.environ if environment is None else environment).get(DISABLE_VARIABLE, "")
    names = frozenset(name.strip() for name in raw.split(",") if name.strip())
    unknown = sorted(names - set(PATCHES))
    if unknown:
        raise ValueError(f"{DISABLE_VARIABLE} names no such patch: {', '.join(unknown)}")
    return names


def apply_all() -> None:
    off = disabled()
    for name in PATCHES:
        if name in applied or name in off:
            continue
        module = importlib.import_module(f"spt_engine.patches.{name}")
        apply: Callable[[], None] = module.apply
        apply()
        applied.append(name)
