"""Where a failure happened (file and line for `::error file=,line=::`), from what the result gives.

Only the producer's own `file` attribute names a file for certain; a file found in a traceback or
taken from a node id is a guess, which the annotation checks against the workspace before using."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from runner.report.junit.model import LocationSource

# pytest's long representation ends each frame with `path.py:LINE: ExceptionType`; the last one is
# the frame that raised, in the test's own file when the test failed there.
_PYTEST_FRAME = re.compile(r"^(?P<file>[^\s:][^:\n]*?\.py):(?P<line>\d+): ", re.MULTILINE)
# JavaScript stacks: `at fn (path/file.test.js:12:5)` or `at path/file.test.js:12:5`.
_JS_FRAME = re.compile(r"at (?:[^\n(]*\()?(?P<file>[^\s():]+\.[cm]?[jt]sx?):(?P<line>\d+):\d+\)?")

Location = tuple[str | None, int | None, LocationSource | None]


def locate(text: str, nodeid: str, file: str | None, line: int | None) -> Location:
    """(file, line, where the file came from) of a failure; the node id's file with no line when
    the text gives nothing."""
    if file and line:
        return file, line, LocationSource.FILE_ATTRIBUTE
    node_file = nodeid.split("::", 1)[0] if "::" in nodeid else None
    pytest_frames = list(_PYTEST_FRAME.finditer(text))
    if pytest_frames:
        preferred = [match for match in pytest_frames if node_file and _same_file(match["file"], node_file)]
        chosen = (preferred or pytest_frames)[-1]
        source = (
            LocationSource.FILE_ATTRIBUTE
            if file and _same_file(chosen["file"], file)
            else LocationSource.TRACEBACK
        )
        return chosen["file"], int(chosen["line"]), source
    js_frame = _JS_FRAME.search(text)
    if js_frame:
        source = (
            LocationSource.FILE_ATTRIBUTE
            if file and _same_file(js_frame["file"], file)
            else LocationSource.TRACEBACK
        )
        return js_frame["file"], int(js_frame["line"]), source
    if file:
        return file, line or _line_of(file, text), LocationSource.FILE_ATTRIBUTE
    # Only a pytest node id starts with a path; a dotted classname (`Ns.Class`) is no file.
    if node_file and PurePosixPath(node_file).suffix == ".py":
        return node_file, None, LocationSource.NODE_ID
    return None, None, None


def _line_of(file: str, text: str) -> int | None:
    """The line a trace gives for the producer's own file (`./spec/cart_spec.rb:14:in ...`)."""
    name = PurePosixPath(file.replace("\\", "/")).name
    match = re.search(re.escape(name) + r":(\d+)", text) if name else None
    return int(match.group(1)) if match else None


def _same_file(frame_file: str, node_file: str) -> bool:
    frame_file, node_file = frame_file.removeprefix("./"), node_file.removeprefix("./")
    return (
        frame_file == node_file
        or frame_file.endswith("/" + node_file)
        or node_file.endswith("/" + frame_file)
    )
