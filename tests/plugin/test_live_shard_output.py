"""`run --shards N`: each shard's lines reach the terminal while it runs, prefixed with its number."""

from __future__ import annotations

import threading

from runner.shards.plan import ShardSpec
from runner.shards.run_shard import ShardRequest, run_shard
from runner.testing import eventually

BLOCKING_TEST = """
import pathlib

from runner.testing import eventually


def test_waits_for_release():
    release = pathlib.Path(__file__).parent.parent / "release"
    eventually(release.exists, timeout=60, description="the release file")
"""


def test_a_shards_lines_appear_prefixed_before_it_finishes(tmp_path, capsys):
    app = tmp_path / "app"
    (app / "tests").mkdir(parents=True)
    (app / "tests" / "test_block.py").write_text(BLOCKING_TEST)
    request = ShardRequest(
        shard=ShardSpec(1, 1),
        app_dir=app,
        results_dir=tmp_path / "results",
        log_file=tmp_path / "results" / "shard-1.log",
        live_prefix="[2/3] ",
        env={"PATH": "/usr/bin:/bin", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    results = []
    shard = threading.Thread(target=lambda: results.append(run_shard(request)))
    shard.start()
    seen: list[str] = []

    def printed_so_far() -> str:
        seen.append(capsys.readouterr().out)
        return "".join(seen)

    try:
        live = eventually(printed_so_far, until=lambda out: "collected 1 item" in out, timeout=60)
        assert shard.is_alive()  # the shard is still blocked in its test: these lines came live
        assert all(line.startswith("[2/3] ") for line in live.splitlines())
    finally:
        (app / "release").write_text("go")
        shard.join(timeout=60)
    assert results[0].exit_code == 0
    assert "1 passed" in printed_so_far()
    assert "1 passed" in request.log_file.read_text()  # the log file still gets every line
