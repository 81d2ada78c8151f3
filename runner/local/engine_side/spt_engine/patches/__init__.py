"""The one registry of what this project changes inside MiniStack, each patch named for the AWS
behaviour it restores (its module docstring says what AWS does and whether it wraps or replaces).

`SPT_ENGINE_DISABLE_PATCHES=name,...` leaves the named patches out: a test starts a second engine
that way to prove the behaviour is the patch's, not the engine's own."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

# Module name -> its `apply()`; applied in this order before MiniStack serves a request.
PATCHES: tuple[str, ...] = (
    "delivery_latency",
    "lambda_platform_logs",
    "lambda_python_runtime",
    "lambda_node_runtime",
    "lambda_unsupported_runtime",
    "lambda_throttle_metrics",
    "cfn_bucket_not_empty",
    "cfn_resource_tags",
    "cfn_lambda_code_must_exist",
    "cfn_export_in_use",
    "cfn_update_cleanup_events",
    "cfn_rollback_reason",
    "lambda_logging_config_defaults",
    "cfn_generated_names",
    "cfn_custom_resource_request",
    "node_localhost_names",
    "custom_resource_fails_fast",
    "ssm_value_required",
    "function_delete_stops_workers",
    "custom_resource_sdk_preinstalled",
    "eventbridge_firehose_target",
    "http_api_endpoint_attribute",
    "stream_batch_item_failures",
)

DISABLE_VARIABLE = "SPT_ENGINE_DISABLE_PATCHES"

applied: list[str] = []


def disabled() -> set[str]:
    return {name.strip() for name in os.environ.get(DISABLE_VARIABLE, "").split(",") if name.strip()}


def apply_all() -> None:
    unknown = disabled() - set(PATCHES)
    if unknown:
        raise SystemExit(f"{DISABLE_VARIABLE} names no patch: {', '.join(sorted(unknown))}")
    for name in PATCHES:
        if name in applied or name in disabled():
            continue
        module = importlib.import_module(f"spt_engine.patches.{name}")
        apply: Callable[[], None] = module.apply
        apply()
        applied.append(name)
