"""The deployment record: what `deploy` made, read back by test, report and destroy."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from runner.errors import ConfigError
from runner.limits import pr_number
from runner.naming import is_valid_stack_name

RECORD_VERSION = 1
T = TypeVar("T")


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
        """The record, with every field checked: it is a file anyone with the artifact can edit,
        so a wrong type is one ConfigError naming the field, never a traceback later."""
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise ConfigError(f"deployment record {path} does not exist (run deploy first)") from error
        except (OSError, ValueError, RecursionError) as error:
            raise ConfigError(f"deployment record {path} is unreadable: {error}") from error
        if not isinstance(payload, dict) or payload.get("version") != RECORD_VERSION:
            raise ConfigError(f"deployment record {path} has an unknown format")
        fields = _Fields(payload, f"deployment record {path}")
        raw_stacks = fields.get("stacks", list)
        stacks = tuple(
            _stack(_Fields(item, f"deployment record {path}, stacks[{index}]"))
            for index, item in enumerate(raw_stacks)
        )
        pr_raw = payload.get("pr_number")
        if pr_raw is not None:
            pr_raw = pr_number(pr_raw, f"deployment record {path}, field pr_number")
        endpoint_url = payload.get("endpoint_url")
        if endpoint_url is not None and not isinstance(endpoint_url, str):
            raise ConfigError(f"deployment record {path}: field endpoint_url must be text or null")
        duration = payload.get("duration_seconds", 0.0)
        if (
            isinstance(duration, bool)
            or not isinstance(duration, (int, float))
            or not math.isfinite(duration)
        ):
            raise ConfigError(f"deployment record {path}: field duration_seconds must be a number")
        return cls(
            repository=fields.get("repository", str),
            pr_number=pr_raw,
            commit=fields.get("commit", str),
            run_id=fields.get("run_id", str),
            region=fields.get("region", str),
            endpoint_url=endpoint_url,
            stacks=stacks,
            tags=fields.text_map("tags", required=False),
            deployed_at=fields.get("deployed_at", str),
            duration_seconds=float(duration),
        )


class _Fields:
    """Typed access to one JSON object of the record; each problem names the field."""

    def __init__(self, payload: object, where: str) -> None:
        if not isinstance(payload, dict):
            raise ConfigError(f"{where} must be an object")
        self._payload: dict[str, Any] = payload
        self.where = where

    def get(self, name: str, kind: type[T]) -> T:
        if name not in self._payload:
            raise ConfigError(f"{self.where} is missing field {name!r}")
        value = self._payload[name]
        if not isinstance(value, kind):
            raise ConfigError(f"{self.where}: field {name!r} must be {kind.__name__}, got {_kind(value)}")
        return value

    def text_map(self, name: str, required: bool = True) -> dict[str, str]:
        if not required and name not in self._payload:
            return {}
        value = self.get(name, dict)
        if not all(isinstance(key, str) and isinstance(item, str) for key, item in value.items()):
            raise ConfigError(f"{self.where}: field {name!r} must map text to text")
        return dict(value)

    def text_list(self, name: str) -> tuple[str, ...]:
        if name not in self._payload:
            return ()
        value = self.get(name, list)
        if not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{self.where}: field {name!r} must be a list of text")
        return tuple(value)


def _stack(fields: _Fields) -> DeployedStack:
    name = fields.get("name", str)
    if not is_valid_stack_name(name):
        raise ConfigError(f"{fields.where}: field 'name' is not a stack name: {name[:80]!r}")
    return DeployedStack(
        name=name,
        status=fields.get("status", str),
        outputs=fields.text_map("outputs", required=False),
        depends_on=fields.text_list("depends_on"),
    )


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__
