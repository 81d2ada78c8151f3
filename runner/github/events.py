"""Event rules for the stages: a Dependabot PR gets only Dependabot's secrets, so like a fork it has
no AWS credentials unless the team stored some there; then deploy and destroy skip with a notice
instead of failing on the AWS login."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

DEPENDABOT = "dependabot[bot]"
_CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


def is_dependabot_pr(env: Mapping[str, str]) -> bool:
    if env.get("GITHUB_ACTOR") == DEPENDABOT:
        return True
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return False
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    pull_request = event.get("pull_request") if isinstance(event, dict) else None
    author = ((pull_request or {}).get("user") or {}).get("login") if isinstance(pull_request, dict) else None
    return author == DEPENDABOT


def has_aws_credentials(env: Mapping[str, str]) -> bool:
    return any(env.get(name) for name in _CREDENTIAL_VARIABLES)


def dependabot_without_credentials(env: Mapping[str, str]) -> bool:
    return is_dependabot_pr(env) and not has_aws_credentials(env)
