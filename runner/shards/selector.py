"""The pytest side of sharding: plan over the collected items, keep this shard's, write the plan slice,
and let a shard that got no tests pass instead of exiting with pytest's "no tests collected"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from runner.errors import ConfigError
from runner.shards.durations import load_durations
from runner.shards.plan import ShardPlan, ShardSpec, group_key, plan_shards
from runner.shards.plugin_settings import PluginSettings
from runner.shards.slices import PlanSlice

GROUP_MARKER = "spt_group"


class ShardSelector:
    """Registered by the plugin only when --spt-shard or --spt-plan-out is in use."""

    def __init__(self, settings: PluginSettings) -> None:
        self.settings = settings
        self.shard = settings.shard or ShardSpec(1, 1)
        self.plan: ShardPlan | None = None
        self.total = 0
        self.selected = 0

    @pytest.hookimpl(trylast=True)  # after -k/-m and other plugins have deselected
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        durations = self._durations()
        nodeids = [item.nodeid for item in items]
        groups = {
            item.nodeid: group_key(item.nodeid, self.settings.group_by, _named_group(item)) for item in items
        }
        plan = plan_shards(nodeids, durations, self.shard.count, groups)
        chosen = set(plan.slice_for(self.shard))
        kept = [item for item in items if item.nodeid in chosen]
        dropped = [item for item in items if item.nodeid not in chosen]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = kept
        self.plan, self.total, self.selected = plan, len(nodeids), len(kept)
        if self.settings.plan_out is not None:
            PlanSlice(
                shard=self.shard,
                plan_hash=plan.plan_hash,
                total_tests=len(nodeids),
                nodeids=plan.slice_for(self.shard),
                estimated_seconds=plan.estimated_seconds[self.shard.index - 1],
                group_by=self.settings.group_by.value,
            ).write(self.settings.plan_out)

    def pytest_report_collectionfinish(
        self, config: pytest.Config, start_path: Path, items: Any
    ) -> list[str]:
        if self.plan is None:
            return []
        if self.selected == 0 and self.total > 0:
            return [
                f"serverless-pr-test: shard {self.shard}: no tests for this shard "
                f"({self.total} test(s) over {self.shard.count} shards); it passes"
            ]
        seconds = self.plan.estimated_seconds[self.shard.index - 1]
        return [
            f"serverless-pr-test: shard {self.shard} runs {self.selected} of {self.total} tests "
            f"(estimated {seconds:.1f}s, imbalance {self.plan.imbalance:.3f}, "
            f"plan {self.plan.plan_hash[:12]})"
        ]

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        # Only when the suite had tests and the plan gave this shard none: an empty suite still fails.
        if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and self.selected == 0 and self.total > 0:
            session.exitstatus = pytest.ExitCode.OK

    def _durations(self) -> dict[str, float]:
        if self.settings.durations_file is None:
            return {}
        try:
            return load_durations(self.settings.durations_file)
        except ConfigError as error:
            raise pytest.UsageError(f"--spt-durations: {error}") from error


def _named_group(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker(GROUP_MARKER)
    if marker is None:
        return None
    name = marker.args[0] if marker.args else marker.kwargs.get("name")
    if not isinstance(name, str) or not name:
        raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.{GROUP_MARKER} needs a non-empty name string")
    return name
