"""The tool actions a workflow job uses, emulated honestly for gha_workflow.py: artifacts (one
directory per artifact, per run), caches (scoped by ref: a run restores its own ref's and the default
branch's, as GitHub scopes them; a combined actions/cache saves on a miss at the end of the job), and
the set-up actions (no-ops: the runner's own Python and Node are used). Anything else is an error."""

from __future__ import annotations

import fnmatch
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gha_interpreter import ExpressionError, Job


@dataclass
class Stores:
    """What outlives a job: this run's artifacts and the repository's caches (by ref scope)."""

    root: Path
    caches: dict[tuple[str, str], Path | None] = field(default_factory=dict)

    @property
    def artifacts(self) -> Path:
        return self.root / "artifacts"


class ToolActions:
    def __init__(self, stores: Stores, default_ref: str) -> None:
        self.stores = stores
        self.default_ref = default_ref

    def run(
        self,
        uses: str,
        arguments: dict[str, str],
        job: Job,
        leg: dict[str, Any],
        pending_saves: list[tuple[str, str]],
    ) -> str:
        ref = leg["github"]["ref"]
        if uses in ("actions/setup-python", "actions/setup-node"):
            return f"{uses}: the runner's own tools are used"
        if uses == "actions/upload-artifact":
            source = job.workspace / arguments["path"]
            if not source.exists():
                if arguments.get("if-no-files-found", "warn") == "error":
                    raise ExpressionError(f"upload-artifact: {arguments['path']} does not exist")
                return "nothing to upload"
            target = self.stores.artifacts / arguments["name"]
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, target / source.name)
            return f"uploaded {arguments['name']}"
        if uses == "actions/download-artifact":
            destination = job.workspace / arguments.get("path", ".")
            names = (
                sorted(p.name for p in self.stores.artifacts.glob("*"))
                if self.stores.artifacts.exists()
                else []
            )
            if "name" in arguments:
                if arguments["name"] not in names:
                    raise ExpressionError(f"download-artifact: no artifact {arguments['name']}")
                shutil.copytree(self.stores.artifacts / arguments["name"], destination, dirs_exist_ok=True)
            else:
                for found in fnmatch.filter(names, arguments["pattern"]):
                    shutil.copytree(self.stores.artifacts / found, destination / found, dirs_exist_ok=True)
            return "downloaded"
        if uses in ("actions/cache", "actions/cache/restore"):
            hit = self._restore(arguments, job, ref)
            if uses == "actions/cache" and hit is None:
                pending_saves.append((arguments["key"], arguments["path"]))
            return f"cache {'hit ' + hit if hit else 'miss'}"
        if uses == "actions/cache/save":
            source = job.workspace / arguments["path"]
            if source.is_file():
                saved = self.stores.root / "caches" / f"{len(self.stores.caches)}-{source.name}"
                saved.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, saved)
                self.stores.caches[(ref, arguments["key"])] = saved
            return f"saved {arguments['key']} for {ref}"
        raise ExpressionError(f"{uses} cannot be emulated")

    def _restore(self, arguments: dict[str, str], job: Job, ref: str) -> str | None:
        """Own ref first, then the default branch's: exact key, then the newest restore-keys prefix."""
        for scope in dict.fromkeys((ref, self.default_ref)):
            keys = [key for (s, key) in self.stores.caches if s == scope]
            exact = [key for key in keys if key == arguments["key"]]
            prefixed = [
                key
                for key in keys
                for prefix in arguments.get("restore-keys", "").split()
                if key.startswith(prefix)
            ]
            for key in exact + prefixed[::-1]:
                saved = self.stores.caches[(scope, key)]
                if saved is not None and not arguments["path"].startswith("~"):
                    target = job.workspace / arguments["path"]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(saved, target)
                return key
        return None
