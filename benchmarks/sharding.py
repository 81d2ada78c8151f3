"""Shard balance: runner.shards.plan against pytest-split's `least_duration`, on the same synthetic suites.

Imbalance is max / mean of the shards' TRUE durations (1.0 is perfect). Both algorithms see the same
recorded durations; in the "missing" suites 20% of the tests have no record and both count those as the
mean of the known ones. Prints a table, then one JSON object as the last line.

    python benchmarks/sharding.py [--tests 2000] [--seeds 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from dataclasses import dataclass

from pytest_split.algorithms import Algorithms

from runner.shards.plan import GroupBy, estimate_durations, group_key, plan_shards

SHARD_COUNTS = (4, 8, 16, 50)


@dataclass(frozen=True)
class Item:
    """What pytest-split reads from a pytest item."""

    nodeid: str


@dataclass(frozen=True)
class Suite:
    name: str
    nodeids: list[str]
    true_seconds: dict[str, float]
    recorded_seconds: dict[str, float]


def lognormal_suite(name: str, tests: int, seed: int, missing: float, modules: int) -> Suite:
    """Tests spread over modules; with `modules` small, modules are big and durations cluster per module."""
    rng = random.Random(seed)
    nodeids: list[str] = []
    true_seconds: dict[str, float] = {}
    # Per-module speed factor: integration modules are uniformly slow or fast, as in real suites.
    module_factor = [rng.lognormvariate(0, 0.7) for _ in range(modules)]
    for number in range(tests):
        module = rng.randrange(modules)
        nodeid = f"tests/test_mod{module:03d}.py::test_case_{number:05d}"
        nodeids.append(nodeid)
        true_seconds[nodeid] = rng.lognormvariate(0.0, 1.0) * module_factor[module]
    nodeids.sort(key=lambda n: n.split("::")[0])  # collection order is by module
    recorded = {n: s for n, s in true_seconds.items() if rng.random() >= missing}
    return Suite(name, nodeids, true_seconds, recorded)


def imbalance(shards: list[list[str]], seconds: dict[str, float]) -> float:
    loads = [sum(seconds[n] for n in shard) for shard in shards]
    return max(loads) / (sum(loads) / len(loads))


def estimated(suite: Suite) -> dict[str, float]:
    """What both schedulers believe: the record, and the mean of the known for the rest."""
    return dict(zip(suite.nodeids, estimate_durations(suite.nodeids, suite.recorded_seconds), strict=True))


def best_possible(suite: Suite, shard_count: int, group_by: GroupBy) -> float:
    """No split beats its largest unit: max(largest unit, mean load) / mean load."""
    units: dict[str, float] = {}
    for nodeid in suite.nodeids:
        key = group_key(nodeid, group_by)
        units[key] = units.get(key, 0.0) + suite.true_seconds[nodeid]
    mean = sum(units.values()) / shard_count
    return max(max(units.values()), mean) / mean


def ours(suite: Suite, shard_count: int, group_by: GroupBy) -> list[list[str]]:
    groups = {n: group_key(n, group_by) for n in suite.nodeids}
    plan = plan_shards(suite.nodeids, suite.recorded_seconds, shard_count, groups)
    return [list(shard) for shard in plan.shards]


def pytest_split(suite: Suite, shard_count: int) -> list[list[str]]:
    items = [Item(n) for n in suite.nodeids]
    groups = Algorithms.least_duration.value(shard_count, items, dict(suite.recorded_seconds))  # type: ignore[arg-type]
    return [[item.nodeid for item in group.selected] for group in groups]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()

    kinds = {
        "lognormal": {"missing": 0.0, "modules": 400},
        "lognormal_20pct_missing": {"missing": 0.2, "modules": 400},
        "grouped_modules": {"missing": 0.0, "modules": 100},
    }
    result: dict[str, dict[str, float | bool]] = {}
    header = (
        "suite/shards",
        "ours",
        "pytest-split",
        "best",
        "ours(est)",
        "split(est)",
        "ours,modules",
        "best",
    )
    print("{:<30}{:>8}{:>13}{:>8}{:>11}{:>12}{:>14}{:>8}".format(*header))
    for kind, params in kinds.items():
        for shard_count in SHARD_COUNTS:
            rows: dict[str, list[float]] = {}
            for seed in range(args.seeds):
                suite = lognormal_suite(kind, args.tests, seed, params["missing"], int(params["modules"]))
                beliefs = estimated(suite)
                our_shards = ours(suite, shard_count, GroupBy.NONE)
                split_shards = pytest_split(suite, shard_count)
                module_shards = ours(suite, shard_count, GroupBy.MODULE)
                measured = {
                    "ours": imbalance(our_shards, suite.true_seconds),
                    "pytest_split": imbalance(split_shards, suite.true_seconds),
                    "best_possible": best_possible(suite, shard_count, GroupBy.NONE),
                    "ours_estimated": imbalance(our_shards, beliefs),
                    "pytest_split_estimated": imbalance(split_shards, beliefs),
                    "ours_module_grouped": imbalance(module_shards, suite.true_seconds),
                    "best_possible_module_grouped": best_possible(suite, shard_count, GroupBy.MODULE),
                }
                for key, value in measured.items():
                    rows.setdefault(key, []).append(value)
            means = {key: round(statistics.fmean(values), 4) for key, values in rows.items()}
            name = f"{kind}/{shard_count}"
            print("{:<30}{:>8}{:>13}{:>8}{:>11}{:>12}{:>14}{:>8}".format(name, *means.values()))
            # Judged on what the scheduler can know: the estimated durations (equal to the true ones
            # when every test has a record). Per seed, not only on average.
            never_worse = all(
                ours_value <= split_value + 1e-9
                for ours_value, split_value in zip(
                    rows["ours_estimated"], rows["pytest_split_estimated"], strict=True
                )
            )
            result[name] = {**means, "never_worse": never_worse}
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
