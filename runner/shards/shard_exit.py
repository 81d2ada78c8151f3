"""How a shard's pytest ended when it left no result file: its exit code or signal and the test it
was running. `test` writes `shard-<i>.exit.json` beside the results; `report` names a missing shard
with it. The running test comes from the plugin's progress file (`--spt-progress-out`), which holds
the node id of the test pytest started last and is removed when the session ends normally."""

from __future__ import annotations

import contextlib
import json
import signal
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ShardExit:
    index: int
    exit_code: int  # negative: killed by that signal (subprocess convention)
    running: str | None  # node id of the test running when pytest ended, if it ended mid-test

    def describe(self) -> str:
        """`pytest was killed by signal 9 (SIGKILL) while running tests/test_a.py::test_x`."""
        if self.exit_code < 0:
            number = -self.exit_code
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = "unknown signal"
            how = f"pytest was killed by signal {number} ({name})"
        else:
            how = f"pytest exited with code {self.exit_code}"
        return how + (f" while running {self.running}" if self.running else "") + " and wrote no result file"

    def write(self, path: Path) -> None:
        payload = {"version": 1, "shard": self.index, "exit_code": self.exit_code, "running": self.running}
        path.write_text(json.dumps(payload) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> ShardExit | None:
        """None when the file is missing or not one of ours (it only adds detail to a missing shard)."""
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            running = payload.get("running")
            return cls(int(payload["shard"]), int(payload["exit_code"]), str(running) if running else None)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None


class ProgressFile:
    """pytest hooks keeping the node id of the test that started last in one small file; removed
    when the session finishes, so a file left behind names the test a crash interrupted."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        # Progress is a courtesy for crash reports: the run never fails over it.
        with contextlib.suppress(OSError):
            self.path.write_text(nodeid, encoding="utf-8")

    def pytest_sessionfinish(self) -> None:
        self.path.unlink(missing_ok=True)


def exit_path(results_dir: Path, index: int) -> Path:
    return results_dir / f"shard-{index}.exit.json"


def progress_path(results_dir: Path, index: int) -> Path:
    return results_dir / f"shard-{index}.running"


def running_test(progress_file: Path) -> str | None:
    try:
        nodeid = progress_file.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return nodeid or None
