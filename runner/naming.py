"""Per-PR stack names: valid for CloudFormation, short enough for derived physical names, unique."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from runner.errors import ConfigError
from runner.limits import pr_number

# CloudFormation allows 128, but apps derive physical names from the stack name (Lambda and IAM
# role names stop at 64, S3 buckets at 63): 40 leaves room for a suffix of 23 and a separator.
DEFAULT_MAX_LENGTH = 40
# One stack of several (`shop-pr-12-data`): CloudFormation cuts the physical names it generates from
# a stack name to fit each service, and the preflight checks the names a template builds from
# `${AWS::StackName}` against each service's limit, so these may be longer than the base name.
MEMBER_MAX_LENGTH = 64
CLOUDFORMATION_MAX_LENGTH = 128
HASH_LENGTH = 6
_VALID_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
_INVALID_RUNS = re.compile(r"[^a-z0-9]+")


def is_valid_stack_name(name: str, max_length: int = CLOUDFORMATION_MAX_LENGTH) -> bool:
    """True when `name` is a CloudFormation stack name of at most `max_length` characters."""
    return len(name) <= max_length and bool(_VALID_NAME.match(name)) and not name.endswith("-")


def sanitize_prefix(prefix: str) -> str:
    """Lower-case `prefix`, turn every run of other characters into one `-`; must start with a letter."""
    cleaned = _INVALID_RUNS.sub("-", prefix.lower()).strip("-")
    if not cleaned or not cleaned[0].isalpha():
        raise ConfigError(
            f"stack prefix {prefix!r} must contain a letter first (allowed: letters, digits, '-')"
        )
    return cleaned


def parse_pr_number(raw: object, name: str = "PR number") -> int:
    """A PR number is 1..10^9 as ASCII digits (runner.limits); anything else is a ConfigError naming
    the input."""
    return pr_number(raw, name)


def shorten(name: str, max_length: int) -> str:
    """Cut `name` to `max_length`, appending a hash of the full name so cut names stay distinct."""
    if len(name) <= max_length:
        return name
    if max_length < HASH_LENGTH + 2:
        raise ConfigError(f"max stack name length {max_length} is too small (minimum {HASH_LENGTH + 2})")
    digest = hashlib.sha256(name.encode()).hexdigest()[:HASH_LENGTH]
    head = name[: max_length - HASH_LENGTH - 1].rstrip("-")
    return f"{head}-{digest}"


def pr_stack_name(prefix: str, pr_number: int, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """`shop` and 1234 -> `shop-pr-1234`; shortened with a hash of the full name when too long."""
    if pr_number <= 0:
        raise ConfigError(f"PR number must be a positive integer, got {pr_number}")
    return shorten(f"{sanitize_prefix(prefix)}-pr-{pr_number}", max_length)


def member_stack_name(base_name: str, original: str, max_length: int = MEMBER_MAX_LENGTH) -> str:
    """One of several stacks: `shop-pr-12` and `OrdersData` -> `shop-pr-12-ordersdata`.

    When cut to `max_length`, the hash covers the full name and the base name stays whole, so the
    stack still belongs to its PR (`belongs_to`) and two originals never meet in one name."""
    suffix = _INVALID_RUNS.sub("-", original.lower()).strip("-") or "stack"
    full = f"{base_name}-{suffix}"
    if len(full) <= max_length:
        return full
    room = max_length - len(base_name) - HASH_LENGTH - 2  # two separators
    if room < 1:
        raise ConfigError(
            f"stack name {base_name!r} leaves no room for the stack {original!r} within "
            f"{max_length} characters: use a shorter --stack-prefix"
        )
    digest = hashlib.sha256(full.encode()).hexdigest()[:HASH_LENGTH]
    head = suffix[:room].rstrip("-") or suffix[0]
    return f"{base_name}-{head}-{digest}"


def check_stack_name(name: str) -> str:
    """Validate an explicit `--stack-name`; returns it unchanged."""
    if not is_valid_stack_name(name):
        raise ConfigError(
            f"stack name {name!r} is invalid: use letters, digits and '-', "
            f"start with a letter, at most {CLOUDFORMATION_MAX_LENGTH} characters"
        )
    return name


def squash(name: str) -> str:
    """Letters and digits only, lower case: how CDK folds a construct id into the names it generates
    (`shop-pr-12` -> `shoppr12`)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def belongs_to(stack_name: str, base_name: str) -> bool:
    """Every stack of a PR is named the base name or starts with it plus '-' (`shop-pr-1-data`)."""
    return stack_name == base_name or stack_name.startswith(base_name + "-")


def choose_stack_name(
    explicit: str | None, prefix: str, pr_number: int | None, allow_without_pr: bool
) -> str:
    """`--stack-name` wins; else prefix + PR (`shop-pr-12`); a local run without a PR gets `shop-local`."""
    if explicit:
        return check_stack_name(explicit)
    if pr_number is not None:
        return pr_stack_name(prefix, pr_number)
    if allow_without_pr:
        return f"{sanitize_prefix(prefix)}-local"
    raise ConfigError(
        "no PR number: pass --pr N or --stack-name NAME, or run from a pull_request or "
        "workflow_dispatch (input `pr`) event"
    )


@dataclass(frozen=True)
class StackNaming:
    """How a command names the PR's stacks: `--stack-name`, else `<prefix>-pr-<N>`."""

    prefix: str
    explicit: str | None = None

    def base_name(self, pr_number: int | None, allow_without_pr: bool) -> str:
        return choose_stack_name(self.explicit, self.prefix, pr_number, allow_without_pr)
