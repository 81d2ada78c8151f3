"""The table all.py prints before its JSON line: a row per figure, per ratio and per goal."""

from __future__ import annotations

from typing import Any


def print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def table_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for name, row in sorted(result["sharding"].items()):
        rows.append((f"sharding {name} imbalance", f"ours {row['ours']}  pytest-split {row['pytest_split']}"))
    for profile, row in sorted(result["polling"].items()):
        ours = row["wait_for"]
        rows.append(
            (
                f"polling {profile}",
                f"wait_for p95 ratio {ours['p95_ratio']}, "
                f"calls vs 500 ms polling {ours['calls_vs_poll_500ms']} "
                f"(floor {row['floor_calls_vs_poll_500ms']['any_strategy']})",
            )
        )
    junit = result["junit"]
    rows.append(
        (
            f"junit {junit['testcases']} testcases",
            f"report {junit['report_seconds']} s / {junit['report_peak_mib']} MiB, junitparser best case "
            f"{junit['junitparser_best_case_seconds']} s / {junit['junitparser_best_case_peak_mib']} MiB "
            f"(x{junit['speedup']} faster, memory ratio {junit['memory_ratio']})",
        )
    )
    engine = result["local_engine"]
    rows.append(
        (
            "local engine invoke",
            f"python warm {engine['python_warm_p50_ms']} ms, cold x{engine['python_cold_over_warm']}; "
            f"workers left {engine['workers_after_stop']}",
        )
    )
    startup = result["cli_startup"]
    rows.append(
        (
            "cli start-up",
            f"--help {startup['help_ms']} ms vs python -c pass {startup['python_pass_ms']} ms "
            f"(x{startup['help_over_python_pass']})",
        )
    )
    flow = result.get("local_flow")
    if flow is not None:
        phases = ", ".join(f"{name} {value}s" for name, value in flow["phases_seconds"].items())
        rows.append(("run --local stacks/example", f"{flow['wall_seconds']} s: {phases}"))
        rows.append(
            (
                "run --local --shards 4 vs 1",
                f"{flow['shards_4_seconds']} s vs {flow['shards_1_seconds']} s "
                f"(ratio {flow['shards_4_over_shards_1']}; tests phase ratio {flow['tests_4_over_tests_1']})",
            )
        )
        rows.append(
            (
                "run --local --shards 2 vs 1",
                f"{flow['shards_2_seconds']} s vs {flow['shards_1_seconds']} s "
                f"(ratio {flow['shards_2_over_shards_1']})",
            )
        )
    for goal, held in result["goals"].items():
        rows.append((f"goal {goal}", "holds" if held else "MISSED"))
    rows.append(("total", f"{result['total_seconds']} s"))
    return rows
