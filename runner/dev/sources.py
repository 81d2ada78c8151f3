"""The app's source files: what a synth depends on, walked without outputs and caches.

One walk serves two jobs: a content hash (is the previous synth still valid?) and a snapshot the
watcher compares (which files changed?). Output and cache directories are skipped by name at any
depth, because writing them (a synth, a test run) must never count as an edit.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

IGNORED_DIRECTORIES = frozenset(
    {
        "cdk.out",
        ".serverless-pr-test",
        "__pycache__",
        "node_modules",
        ".git",
        "results",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".venv",
    }
)
IGNORED_SUFFIXES = (".pyc", ".pyo", ".swp", "~")
# Written by the CDK CLI itself during a synth (its lookup cache): part of the synth's inputs, but
# never an edit to react to.
WRITTEN_BY_SYNTH = frozenset({"cdk.context.json"})


@dataclass(frozen=True)
class FileStamp:
    """What a cheap poll compares; content is hashed only when this changes."""

    mtime_ns: int
    size: int


def source_files(app_dir: Path, excluded: frozenset[Path] = frozenset()) -> Iterator[Path]:
    """Every file under `app_dir` except outputs, caches, editor droppings and `excluded` directories
    (a work dir inside the app), in a stable order."""
    for root, directories, files in os.walk(app_dir):
        directories[:] = sorted(
            name
            for name in directories
            if name not in IGNORED_DIRECTORIES
            and not name.startswith("cdk.out")
            and Path(root) / name not in excluded
        )
        for name in sorted(files):
            if not name.endswith(IGNORED_SUFFIXES) and not name.startswith(".#"):
                yield Path(root) / name


def snapshot(app_dir: Path, excluded: frozenset[Path] = frozenset()) -> dict[Path, FileStamp]:
    stamps: dict[Path, FileStamp] = {}
    for path in source_files(app_dir, excluded):
        if path.name in WRITTEN_BY_SYNTH:
            continue
        try:
            status = path.stat()
        except OSError:  # removed between the walk and the stat
            continue
        stamps[path] = FileStamp(status.st_mtime_ns, status.st_size)
    return stamps


def file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def content_hash(
    app_dir: Path, extra: Mapping[str, str] | None = None, excluded: frozenset[Path] = frozenset()
) -> str:
    """sha256 over relative paths and contents (and `extra`, e.g. the stack name the synth used)."""
    digest = hashlib.sha256()
    for key, value in sorted((extra or {}).items()):
        digest.update(f"{key}={value}\0".encode())
    for path in source_files(app_dir, excluded):
        digest.update(str(path.relative_to(app_dir)).encode() + b"\0")
        digest.update(file_digest(path).encode() + b"\0")
    return digest.hexdigest()
