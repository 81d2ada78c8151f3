"""The plugin's settings: command-line options first, then `SPT_*` environment variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.errors import ConfigError
from runner.shards.plan import GroupBy, ShardSpec

RECORD_ENV = "SPT_RECORD_FILE"
STACK_NAMES_ENV = "SPT_STACK_NAMES"
SHARD_ENV = "SPT_SHARD"
DURATIONS_ENV = "SPT_DURATIONS_FILE"
GROUP_BY_ENV = "SPT_GROUP_BY"
PLAN_OUT_ENV = "SPT_PLAN_OUT"


class SettingsError(ValueError):
    """A bad option or variable; the plugin turns it into pytest.UsageError."""


@dataclass(frozen=True)
class PluginSettings:
    record_file: Path | None
    stack_names: tuple[str, ...]
    shard: ShardSpec | None
    durations_file: Path | None
    group_by: GroupBy
    plan_out: Path | None

    @property
    def selects_tests(self) -> bool:
        return self.shard is not None or self.plan_out is not None

    @property
    def shard_label(self) -> str:
        return f"s{self.shard.index}of{self.shard.count}" if self.shard else "s1of1"

    @classmethod
    def resolve(cls, option: Any, env: Mapping[str, str], root: Path) -> PluginSettings:
        """`option` is pytest's `config.option`; relative paths are relative to `root`."""

        def path(value: str | None, env_name: str) -> Path | None:
            text = value if value is not None else env.get(env_name, "").strip()
            return (root / text) if text else None

        names = list(option.spt_stack_name or ()) or [
            name.strip() for name in env.get(STACK_NAMES_ENV, "").split(",") if name.strip()
        ]
        shard_text = option.spt_shard if option.spt_shard is not None else env.get(SHARD_ENV, "").strip()
        group_text = option.spt_group_by or env.get(GROUP_BY_ENV, "").strip() or GroupBy.NONE.value
        try:
            shard = ShardSpec.parse(shard_text) if shard_text else None
        except ConfigError as error:
            raise SettingsError(f"--spt-shard / {SHARD_ENV}: {error}") from error
        try:
            group_by = GroupBy(group_text)
        except ValueError:
            choices = ", ".join(member.value for member in GroupBy)
            raise SettingsError(
                f"--spt-group-by / {GROUP_BY_ENV} must be one of {choices}, got {group_text!r}"
            ) from None
        settings = cls(
            record_file=path(option.spt_record, RECORD_ENV),
            stack_names=tuple(names),
            shard=shard,
            durations_file=path(option.spt_durations, DURATIONS_ENV),
            group_by=group_by,
            plan_out=path(option.spt_plan_out, PLAN_OUT_ENV),
        )
        if settings.record_file is not None and not settings.record_file.is_file():
            raise SettingsError(
                f"--spt-record / {RECORD_ENV}: deployment record {settings.record_file} not found"
            )
        durations = settings.durations_file
        if durations is not None and durations.exists() and not durations.is_file():
            raise SettingsError(f"--spt-durations: {settings.durations_file} is not a file")
        return settings
