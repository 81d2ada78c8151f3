"""The deployment record: what `deploy` made, read back by test, report and destroy."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from runner.errors import ConfigError

RECORD_VERSION = 1


@dataclass(frozen=True)
class DeployedStack:
    name: str
    status: str
    outputs: dict[str, str] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeploymentRecord:
    """Stacks in deployment order (dependencies first); destroy walks them in reverse."""

    repository: str
    pr_number: int | None
    commit: str
    run_id: str
    region: str
    endpoint_url: str | None
    stacks: tuple[DeployedStack, ...]
    tags: dict[str, str]
    deployed_at: str
    duration_seconds: float = 0.0

    @property
    def stack_names(self) -> tuple[str, ...]:
        return tuple(stack.name for stack in self.stacks)

    def merged_outputs(self) -> dict[str, str]:
        """Outputs by key; a key two stacks share appears as `StackName.Key` for both."""
        counts: dict[str, int] = {}
        for stack in self.stacks:
            for key in stack.outputs:
                counts[key] = counts.get(key, 0) + 1
        merged: dict[str, str] = {}
        for stack in self.stacks:
            for key, value in stack.outputs.items():
                merged[key if counts[key] == 1 else f"{stack.name}.{key}"] = value
        return merged

    def to_json(self) -> str:
        payload: dict[str, Any] = {"version": RECORD_VERSION, **asdict(self)}
        return json.dumps(payload, indent=2, sort_keys=True)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(self.to_json() + "\n", encoding="utf-8")
        temporary.replace(path)

    @classmethod
    def read(cls, path: Path) -> DeploymentRecord:
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise ConfigError(f"deployment record {path} does not exist (run deploy first)") from error
        except (OSError, ValueError) as error:
            raise ConfigError(f"deployment record {path} is unreadable: {error}") from error
        if not isinstance(payload, dict) or payload.get("version") != RECORD_VERSION:
            raise ConfigError(f"deployment record {path} has an unknown format")
        try:
            stacks = tuple(
                DeployedStack(
                    name=item["name"],
                    status=item["status"],
                    outputs=dict(item.get("outputs", {})),
                    depends_on=tuple(item.get("depends_on", ())),
                )
                for item in payload["stacks"]
            )
            return cls(
                repository=payload["repository"],
                pr_number=payload["pr_number"],
                commit=payload["commit"],
                run_id=payload["run_id"],
                region=payload["region"],
                endpoint_url=payload.get("endpoint_url"),
                stacks=stacks,
                tags=dict(payload.get("tags", {})),
                deployed_at=payload["deployed_at"],
                duration_seconds=float(payload.get("duration_seconds", 0.0)),
            )
        except (KeyError, TypeError) as error:
            raise ConfigError(f"deployment record {path} is missing field {error}") from error
