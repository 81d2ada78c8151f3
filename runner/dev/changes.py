"""What an edit means for the loop: rerun tests, hot-swap a handler, or redeploy the stack.

    test file (tests/test_*.py, *_test.py)   -> rerun those files, no deploy
    anything else under the tests path       -> rerun every test (conftest.py, shared helpers)
    a conftest.py elsewhere in the app       -> rerun every test (pytest loads those above the tests)
    another test file outside the tests path -> nothing (neither the synth nor this suite reads it)
    a file under a Lambda code directory     -> update those functions' code in place, rerun all
    anything else in the app                 -> synth and deploy the change set, rerun all
The strongest kind in one batch of edits wins.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from runner.dev.assets import CodeAsset
from runner.dev.sources import FileStamp, file_digest, snapshot
from runner.polling import Backoff, eventually

POLL_SECONDS = 0.3
# Editors save in bursts (write, rename, a second file): changes this close together are one edit.
SETTLE_SECONDS = 0.3


class ChangeKind(enum.Enum):
    """Ordered by how much work the change needs."""

    NONE = 0
    TESTS = 1
    HANDLER = 2
    INFRASTRUCTURE = 3


@dataclass(frozen=True)
class ChangePlan:
    kind: ChangeKind
    paths: tuple[Path, ...]  # what changed, relative to the app directory
    test_targets: tuple[str, ...]  # paths inside the app to pass to pytest; () = the whole tests path
    assets: tuple[CodeAsset, ...] = ()  # for HANDLER: the code directories to upload

    def describe(self) -> str:
        shown = ", ".join(str(path) for path in self.paths[:3])
        more = f" and {len(self.paths) - 3} more" if len(self.paths) > 3 else ""
        return f"{self.kind.name.lower()} change ({shown}{more})"


def is_test_file(path: Path) -> bool:
    return path.suffix == ".py" and (path.name.startswith("test_") or path.stem.endswith("_test"))


def classify(
    changed: Iterable[Path], app_dir: Path, tests_path: Path, assets: Sequence[CodeAsset]
) -> ChangePlan:
    """`changed` are absolute paths inside `app_dir`; `tests_path` is the tests directory or file."""
    paths = sorted(set(changed))
    touched_assets: list[CodeAsset] = []
    kind = ChangeKind.NONE
    test_targets: set[str] = set()
    whole_suite = False
    for path in paths:
        asset = next((asset for asset in assets if path.is_relative_to(asset.source_dir)), None)
        if path == tests_path or path.is_relative_to(tests_path):
            kind = max(kind, ChangeKind.TESTS, key=lambda k: k.value)
            if is_test_file(path) and path.exists():
                test_targets.add(str(path.relative_to(app_dir)))
            else:  # conftest.py, a shared helper, a deleted test: any test may depend on it
                whole_suite = True
        elif asset is not None:
            kind = max(kind, ChangeKind.HANDLER, key=lambda k: k.value)
            if asset not in touched_assets:
                touched_assets.append(asset)
        elif path.name == "conftest.py":
            kind, whole_suite = max(kind, ChangeKind.TESTS, key=lambda k: k.value), True
        elif not is_test_file(path):
            kind = ChangeKind.INFRASTRUCTURE
    targets = () if whole_suite or kind is not ChangeKind.TESTS else tuple(sorted(test_targets))
    return ChangePlan(
        kind=kind,
        paths=tuple(path.relative_to(app_dir) for path in paths),
        test_targets=targets,
        assets=tuple(touched_assets) if kind is ChangeKind.HANDLER else (),
    )


class SourceWatcher:
    """Polls the app's files (stat, then a content hash of what moved): no dependency, no threads."""

    def __init__(self, app_dir: Path, excluded: frozenset[Path] = frozenset()) -> None:
        self._app_dir = app_dir
        self._excluded = excluded
        self._stamps: dict[Path, FileStamp] = snapshot(app_dir, excluded)
        self._digests = {path: file_digest(path) for path in self._stamps}

    def changes(self) -> set[Path]:
        """Files whose content differs since the last call (added, edited or removed)."""
        stamps = snapshot(self._app_dir, self._excluded)
        changed: set[Path] = set()
        for path in self._stamps.keys() - stamps.keys():
            changed.add(path)
            self._digests.pop(path, None)
        for path, stamp in stamps.items():
            if self._stamps.get(path) == stamp:
                continue
            digest = file_digest(path)
            if self._digests.get(path) != digest:  # a touch or a save without edits is no change
                changed.add(path)
                self._digests[path] = digest
        self._stamps = stamps
        return changed

    def wait(self, timeout: float, poll: float = POLL_SECONDS) -> set[Path]:
        """The next batch of changes, or an empty set after `timeout` seconds without one."""
        steady = Backoff(initial=poll, factor=1.0, max_delay=poll, overshoot=1.0, floor=poll)
        try:
            changed = eventually(self.changes, timeout=timeout, backoff=steady, description="an edit")
        except AssertionError:
            return set()
        time.sleep(SETTLE_SECONDS)  # let the rest of an editor's burst land: one edit, one cycle
        return changed | self.changes()
