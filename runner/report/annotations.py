"""The `::error`/`::warning` annotations a report makes: their text, and a file only when it is real.

A file property points GitHub at a line of the repository, so it is only set for a path that is one:
the producer's own `file` attribute (made repository-relative), a path found in a traceback or taken
from a node id that exists in the workspace, or the source file a dotted classname names when that
file exists under a conventional source root (`com.example.CartTest` ->
`src/test/java/com/example/CartTest.java`, its line from the trace). A classname is never used as a
path itself; without a real path the annotation has no file (and no line), and still says what failed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from runner.report.junit.model import FailureDetail, LocationSource, MergedResults

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
        file, line = annotation_location(failure, workspace, tests_root)
        yield Annotation(
            "error", failure_message(failure), f"{failure.outcome.value}: {failure.nodeid}", file, line
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


def annotation_location(
    failure: FailureDetail, workspace: Path | None, tests_root: Path | None
) -> tuple[str | None, int | None]:
    file = repository_path(failure, workspace, tests_root)
    if file is not None:
        return file, failure.line
    if workspace is None:
        return None, None
    source = _source_of_class(failure.nodeid.partition("::")[0], workspace.resolve())
    if source is None:
        return None, None
    return source, line_in_trace(PurePosixPath(source).name, failure.text)


_CLASSNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+")
_SOURCE_SUFFIXES = (
    ".java",
    ".kt",
    ".scala",
    ".groovy",
    ".cs",
    ".fs",
    ".vb",
    ".php",
    ".rb",
    ".py",
    ".go",
    ".ts",
)
_SOURCE_ROOTS = (
    "src/test/java",
    "src/test/kotlin",
    "src/test/scala",
    "src/it/java",
    "test",
    "tests",
    "src",
    "",
)


def _source_of_class(classname: str, workspace: Path) -> str | None:
    """The repository path of the file a dotted classname names, when one exists: its package as
    folders (Java, Kotlin), or its namespace as one folder (.NET projects), under a usual root."""
    if not _CLASSNAME.fullmatch(classname):
        return None
    parts = classname.split(".")
    stems = ("/".join(parts), ".".join(parts[:-1]) + "/" + parts[-1], parts[-1])
    for root in _SOURCE_ROOTS:
        for stem in stems:
            for suffix in _SOURCE_SUFFIXES:
                relative = f"{root}/{stem}{suffix}" if root else f"{stem}{suffix}"
                if (workspace / relative).is_file():
                    return relative
    return None


def line_in_trace(file_name: str, text: str) -> int | None:
    """The line a stack trace gives in `file_name`: `(CartTest.java:27)`, `CartTests.cs:line 31`."""
    match = re.search(re.escape(file_name) + r":(?:line )?(\d+)", text)
    return int(match.group(1)) if match else None


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
