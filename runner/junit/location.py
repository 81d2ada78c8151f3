"""Where a failure happened (file and line for `::error file=,line=::`), from what JUnit gives."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

# pytest's long representation ends each frame with `path.py:LINE: ExceptionType`; the last one is
# the frame that raised, in the test's own file when the test failed there.
_PYTEST_FRAME = re.compile(r"^(?P<file>[^\s:][^:\n]*?\.py):(?P<line>\d+): ", re.MULTILINE)
# JavaScript stacks: `at fn (path/file.test.js:12:5)` or `at path/file.test.js:12:5`.
_JS_FRAME = re.compile(r"at (?:[^\n(]*\()?(?P<file>[^\s():]+\.[cm]?[jt]sx?):(?P<line>\d+):\d+\)?")


def locate(text: str, nodeid: str, file: str | None, line: int | None) -> tuple[str | None, int | None]:
    """(file, line) of a failure; the node id's file with no line when the text gives nothing."""
    if file and line:
        return file, line
    node_file = nodeid.split("::", 1)[0] if "::" in nodeid else None
    pytest_frames = list(_PYTEST_FRAME.finditer(text))
    if pytest_frames:
        preferred = [match for match in pytest_frames if node_file and _same_file(match["file"], node_file)]
        chosen = (preferred or pytest_frames)[-1]
        return chosen["file"], int(chosen["line"])
    js_frame = _JS_FRAME.search(text)
    if js_frame:
        return js_frame["file"], int(js_frame["line"])
    if file:
        return file, line
    if node_file and PurePosixPath(node_file).suffix:
        return node_file, None
    return None, None


def _same_file(frame_file: str, node_file: str) -> bool:
    return frame_file == node_file or frame_file.endswith("/" + node_file)
