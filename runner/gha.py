"""GitHub Actions workflow commands and files (the @actions/core semantics, in Python).

Outside Actions the same calls print plain, readable lines, so the CLI behaves the same locally.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


def in_actions(env: Mapping[str, str] | None = None) -> bool:
    return (os.environ if env is None else env).get("GITHUB_ACTIONS") == "true"


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _command(name: str, message: str, properties: Mapping[str, object] | None = None) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in (properties or {}).items()
        if value is not None and value != ""
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
    stream: TextIO | None = None,
) -> None:
    """`level` is error, warning or notice; printed as an annotation in Actions, plainly elsewhere."""
    out = stream or sys.stdout
    if in_actions():
        print(_command(level, message, {"file": file, "line": line, "title": title}), file=out)
    else:
        where = f" ({file}:{line})" if file and line else (f" ({file})" if file else "")
        print(f"{level.capitalize()}{where}: {message}", file=out)
    out.flush()


def add_mask(secret: str) -> None:
    if secret and in_actions():
        print(f"::add-mask::{escape_data(secret)}", flush=True)


# Groups GitHub folds cannot nest: an inner ::group:: closes the outer one early. Inside a group, a
# nested group() prints a plain heading line instead.
_open_groups: list[str] = []


@contextmanager
def group(title: str) -> Iterator[None]:
    folded = in_actions() and not _open_groups
    if folded:
        print(f"::group::{escape_data(title)}", flush=True)
    else:
        print(f"==> {title}", flush=True)
    _open_groups.append(title)
    try:
        yield
    finally:
        _open_groups.pop()
        if folded:
            print("::endgroup::", flush=True)


def _append(path_variable: str, text: str, env: Mapping[str, str] | None = None) -> bool:
    path = (os.environ if env is None else env).get(path_variable)
    if not path:
        return False
    with Path(path).open("a", encoding="utf-8") as handle:
        handle.write(text)
    return True


def set_output(name: str, value: str, env: Mapping[str, str] | None = None) -> bool:
    """Append to $GITHUB_OUTPUT with a random heredoc delimiter (values may span lines)."""
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    return _append("GITHUB_OUTPUT", f"{name}<<{delimiter}\n{value}\n{delimiter}\n", env)


def append_summary(markdown: str, env: Mapping[str, str] | None = None) -> bool:
    return _append("GITHUB_STEP_SUMMARY", markdown.rstrip("\n") + "\n", env)
