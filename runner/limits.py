"""Bounds on every number a user, a workflow input or an event hands the runner.

Each check raises one ConfigError that names the input, so a bad value ends in one `Error:` line
before anything is deployed or deleted, never in a traceback, an overflow or a 20 GB shard plan.
"""

from __future__ import annotations

import math
import re

from runner.errors import ConfigError

MAX_SHARDS = 256  # GitHub's limit on the jobs one matrix may start
MAX_PR_NUMBER = 10**9
MAX_TTL_HOURS = 366 * 24.0  # a year: a PR environment older than that is not a PR environment
MAX_AGE_HOURS = 10 * 366 * 24.0  # the janitor's --max-age: ten years
MAX_SYNTH_TIMEOUT_SECONDS = 24 * 3600.0
_ASCII_WHOLE = re.compile(r"[0-9]{1,12}")


def whole_number(raw: object, name: str, low: int, high: int) -> int:
    """An int, or ASCII digits (no signs, no `²`, no 5,000-digit strings) within [low, high]."""
    if isinstance(raw, bool):
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    if isinstance(raw, int):
        if low <= raw <= high:
            return raw
        shown = str(raw) if raw.bit_length() < 64 else f"a {raw.bit_length()}-bit number"
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, got {shown}")
    text = raw.strip() if isinstance(raw, str) else ""
    if not _ASCII_WHOLE.fullmatch(text) or not low <= int(text) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, got {_shown(raw)}")
    return int(text)


def pr_number(raw: object, name: str = "PR number") -> int:
    return whole_number(raw, name, 1, MAX_PR_NUMBER)


def shard_count(raw: object, name: str = "shard count") -> int:
    return whole_number(raw, name, 1, MAX_SHARDS)


def hours(value: float, name: str, high: float, low_exclusive: float = 0.0) -> float:
    """A finite number of hours above `low_exclusive` and at most `high` (nan, inf, 1e12 refused)."""
    if not math.isfinite(value) or not low_exclusive < value <= high:
        raise ConfigError(
            f"{name} must be a number of hours above {low_exclusive:g} and at most {high:g}, got {value!r}"
        )
    return value


def ttl_hours(value: float, name: str = "--ttl-hours") -> float:
    return hours(value, name, MAX_TTL_HOURS)


def max_age_hours(value: float, name: str = "--max-age") -> float:
    return hours(value, name, MAX_AGE_HOURS)


def synth_timeout_seconds(value: float, name: str = "--synth-timeout") -> float:
    if not math.isfinite(value) or not 0 < value <= MAX_SYNTH_TIMEOUT_SECONDS:
        raise ConfigError(
            f"{name} must be a number of seconds above 0 and at most {MAX_SYNTH_TIMEOUT_SECONDS:g}, "
            f"got {value!r}"
        )
    return value


def _shown(raw: object) -> str:
    """The bad value, cut so a 5,000-character input does not become a 5,000-character error."""
    text = repr(raw)
    return text if len(text) <= 40 else f"{text[:30]}... ({len(text)} characters)"
