"""The `::error`/`::warning` annotations a report makes: their text, and a file only when it is real.

A file property points GitHub at a line of the repository, so it is only set for a path that is one:
the producer's own `file` attribute (made repository-relative), or a path found in a traceback or
taken from a node id that exists in the workspace. A dotted classname is never a path; without a
real path the annotation has no file (and no line), and still says what failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from runner.junit.model import FailureDetail, LocationSource, MergedResults

# GitHub shows at most 10 error annotations per step and 50 per job; more is noise.
MAX_ANNOTATIONS = 50


@dataclass(frozen=True)
class Annotation:
    level: str  # "error" or "warning"
    message: str
    title: str
    file: str | None = None
    line: int | None = None


def report_annotations(
    results: MergedResults, workspace: Path | None, tests_root: Path | None
) -> Iterator[Annotation]:
    for failure in results.failures[:MAX_ANNOTATIONS]:
        file = repository_path(failure, workspace, tests_root)
        yield Annotation(
            "error",
            failure_message(failure),
            f"{failure.outcome.value}: {failure.nodeid}",
            file,
            failure.line if file is not None else None,
        )
    for problem in results.problems[:MAX_ANNOTATIONS]:
        detail = f": {problem.detail}" if problem.detail else ""
        yield Annotation("error" if problem.kind.fails_run else "warning", f"{problem.subject}{detail}",
                         problem.kind.label)  # fmt: skip


def failure_message(failure: FailureDetail) -> str:
    """The message, else the first line of the text, else the type: never blank, never led by
    the blank lines some producers start their messages with."""
    message = failure.message.strip()
    if message:
        return message
    first_line = next((line.strip() for line in failure.text.splitlines() if line.strip()), "")
    return first_line or failure.failure_type or failure.outcome.value


def repository_path(failure: FailureDetail, workspace: Path | None, tests_root: Path | None) -> str | None:
    """The failure's file relative to the workspace, or None when it is not a file there."""
    if not failure.file:
        return None
    relative = failure.file.removeprefix("./")
    path = Path(relative)
    if not path.is_absolute() and tests_root is not None:
        path = tests_root.resolve() / path
    trusted = failure.file_source is LocationSource.FILE_ATTRIBUTE
    if not trusted and not path.is_file():
        return None
    if workspace is None:
        return relative if trusted and not Path(relative).is_absolute() else None
    try:
        return path.resolve().relative_to(workspace.resolve()).as_posix() if path.is_absolute() else relative
    except ValueError:
        return None
