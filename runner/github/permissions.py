"""The permission map (permissions.json): which GitHub permission each call the runner makes needs,
and what each job of the reusable workflow is granted. One file, read by the README's table and by
the tests' fake GitHub API, so the documentation and the enforcement cannot drift apart."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

MAP_FILE = Path(__file__).with_name("permissions.json")
_LEVELS = {"none": 0, "read": 1, "write": 2}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # as in GitHub's REST description: /repos/{owner}/{repo}/...
    used_by: str
    purpose: str
    any_of: tuple[tuple[tuple[str, str], ...], ...]  # alternatives, each (permission, level) pairs
    classic_pat_scopes: tuple[str, ...]
    installation_tokens_forbidden: bool = False
    classic_pat_unsupported: bool = False

    def granted_by(self, permissions: dict[str, str]) -> bool:
        """Whether a GITHUB_TOKEN / App token with these permissions may call it (write implies read)."""
        if not self.any_of:
            return True
        return any(
            all(_LEVELS.get(permissions.get(name, "none"), 0) >= _LEVELS[level] for name, level in grant)
            for grant in self.any_of
        )

    def describe_permission(self) -> str:
        if self.installation_tokens_forbidden:
            return "403 for GITHUB_TOKEN and App tokens"
        if not self.any_of:
            return "none"
        return " or ".join(", ".join(f"`{name}: {level}`" for name, level in grant) for grant in self.any_of)


@dataclass(frozen=True)
class PermissionMap:
    endpoints: tuple[Endpoint, ...]
    jobs: dict[str, dict[str, str]]

    def markdown_table(self) -> str:
        lines = [
            "| call | used by | for | permission (GITHUB_TOKEN / App) | classic PAT |",
            "|---|---|---|---|---|",
        ]
        for endpoint in self.endpoints:
            pat = "not supported" if endpoint.classic_pat_unsupported else (
                " or ".join(f"`{scope}`" for scope in endpoint.classic_pat_scopes) or "any"
            )  # fmt: skip
            lines.append(
                f"| `{endpoint.method} {endpoint.path}` | {endpoint.used_by} | {endpoint.purpose} "
                f"| {endpoint.describe_permission()} | {pat} |"
            )
        return "\n".join(lines)


def _endpoint(raw: dict[str, Any]) -> Endpoint:
    return Endpoint(
        method=raw["method"],
        path=raw["path"],
        used_by=raw["used_by"],
        purpose=raw["purpose"],
        any_of=tuple(tuple(sorted(grant.items())) for grant in raw["any_of"]),
        classic_pat_scopes=tuple(raw["classic_pat_scopes"]),
        installation_tokens_forbidden=raw.get("installation_tokens") == "forbidden",
        classic_pat_unsupported=raw.get("classic_pat") == "unsupported",
    )


@cache
def permission_map() -> PermissionMap:
    raw = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    return PermissionMap(tuple(_endpoint(item) for item in raw["endpoints"]), dict(raw["jobs"]))
