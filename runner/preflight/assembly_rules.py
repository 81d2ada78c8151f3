"""Hazards the assembly and the app directory show: a stack pinned to an account or region, context
lookups answered from a real account, and Docker image assets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from runner.deploy.assembly import MANIFEST_FILE, CloudAssembly, StackArtifact, read_json
from runner.preflight.model import Finding, Hazard

UNKNOWN_ACCOUNT = "unknown-account"
UNKNOWN_REGION = "unknown-region"
APP = "(app)"
CONTEXT_FILES = ("cdk.context.json", "cdk.json")
LOOKUP_MARKER = ":account="  # every context provider's cache key carries the account it asked


def pinned_environment(stack: StackArtifact, account: str | None, region: str) -> Iterator[Finding]:
    """`env=cdk.Environment(account="1111...", region="eu-west-1")` in the app."""
    pinned_account, _, pinned_region = stack.environment.removeprefix("aws://").partition("/")
    pinned: list[str] = []
    if pinned_account and pinned_account != UNKNOWN_ACCOUNT and pinned_account != account:
        pinned.append(f"account {pinned_account}")
    if pinned_region and pinned_region != UNKNOWN_REGION and pinned_region != region:
        pinned.append(f"region {pinned_region}")
    if pinned:
        yield Finding(
            Hazard.PINNED_ENVIRONMENT,
            stack.stack_name,
            f"stack {stack.artifact_id}",
            f"the stack is pinned to {' and '.join(pinned)} (deploying to "
            f"{'account ' + account + ', ' if account else ''}region {region}): the CDK CLI refuses "
            "another target, and the local endpoint is another account",
            "`env=cdk.Environment(account=os.environ['CDK_DEFAULT_ACCOUNT'], "
            "region=os.environ['CDK_DEFAULT_REGION'])`, or no `env` at all",
        )


def docker_assets(stack: StackArtifact) -> Iterator[Finding]:
    for manifest_file in stack.asset_manifests:
        manifest = read_json(stack.directory / manifest_file)
        images: dict[str, Any] = manifest.get("dockerImages", {})
        for asset_id, image in images.items():
            shown = image.get("displayName") or asset_id[:12]
            yield Finding(
                Hazard.DOCKER_ASSET,
                stack.stack_name,
                f"image {shown}",
                "a Docker image asset: deploying builds it with docker and pushes it to ECR; the "
                "local endpoint runs no containers, and a runner without docker cannot build it",
                "a zip asset (`lambda_.Code.from_asset(...)`) for functions, or an image already "
                "in a registry (`DockerImageCode.from_ecr(...)`)",
            )


def context_lookups(assembly: CloudAssembly, app_dir: Path) -> Iterator[Finding]:
    """Lookups (`Vpc.from_lookup`, `StringParameter.value_from_lookup`...) cached in the app's context
    files, or still missing after synth: their values come from one real account."""
    seen: set[str] = set()
    for file_name in CONTEXT_FILES:
        for key in _lookup_keys(app_dir / file_name):
            if key not in seen:
                seen.add(key)
                yield _lookup(key, f"cached in {file_name}")
    missing = read_json(assembly.directory / MANIFEST_FILE).get("missing", [])
    for entry in missing if isinstance(missing, list) else []:
        key = str(entry.get("key", "")) if isinstance(entry, dict) else ""
        if key and key not in seen:
            seen.add(key)
            yield _lookup(key, "not resolved at synth")


def _lookup(key: str, where: str) -> Finding:
    provider = key.split(":", 1)[0]
    return Finding(
        Hazard.CONTEXT_LOOKUP,
        APP,
        key,
        f"a `{provider}` context lookup ({where}) answers from one real account: every PR's copy "
        "gets that account's values, which the local endpoint and other accounts do not have",
        "pass the value in (a parameter or context value per environment), or create the resource "
        "in the app instead of looking it up",
    )


def _lookup_keys(path: Path) -> list[str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # cdk.json was read before synth; a missing cdk.context.json is the normal case
    if path.name == "cdk.json":
        document = document.get("context", {}) if isinstance(document, dict) else {}
    return [key for key in document if LOOKUP_MARKER in key] if isinstance(document, dict) else []
