"""GitHub Actions workflow commands and files (the @actions/core semantics, in Python).

Outside Actions the same calls print plain, readable lines, so the CLI behaves the same locally.
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
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


class _UntrustedBlock:
    """The one open `::stop-commands::` block of this process, if any (shared by every thread)."""

    lock = threading.RLock()
    token: str | None = None
    stream: TextIO | None = None


def _print_command(line: str, stream: TextIO | None = None) -> None:
    """Print one of the runner's own workflow commands. Inside an untrusted block the block is
    ended around it and reopened with a fresh token, so the command is parsed and nothing else is."""
    out = stream or sys.stdout
    with _UntrustedBlock.lock:
        token, block_stream = _UntrustedBlock.token, _UntrustedBlock.stream or sys.stdout
        if token is not None:
            print(f"::{token}::", file=block_stream, flush=True)
        print(line, file=out, flush=True)
        if token is not None:
            _UntrustedBlock.token = secrets.token_hex(16)
            print(f"::stop-commands::{_UntrustedBlock.token}", file=block_stream, flush=True)


@contextmanager
def untrusted_output(stream: TextIO | None = None) -> Iterator[None]:
    """Everything printed inside (by this process, its threads and the subprocesses it starts on
    the same output) is data: in Actions it goes out between `::stop-commands::<random token>` and
    `::<token>::`, so pytest, the CDK CLI, CloudFormation reasons or stack outputs can never form a
    workflow command. Outside Actions, and nested, it prints nothing."""
    with _UntrustedBlock.lock:
        if not in_actions() or _UntrustedBlock.token is not None:
            opened = False
        else:
            opened = True
            _UntrustedBlock.token = secrets.token_hex(16)
            _UntrustedBlock.stream = stream or sys.stdout
            sys.stdout.flush()
            print(f"::stop-commands::{_UntrustedBlock.token}", file=_UntrustedBlock.stream, flush=True)
    try:
        yield
    finally:
        if opened:
            with _UntrustedBlock.lock:
                sys.stdout.flush()
                sys.stderr.flush()
                print(f"::{_UntrustedBlock.token}::", file=_UntrustedBlock.stream, flush=True)
                _UntrustedBlock.token = _UntrustedBlock.stream = None


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
        _print_command(_command(level, message, {"file": file, "line": line, "title": title}), out)
    else:
        where = f" ({file}:{line})" if file and line else (f" ({file})" if file else "")
        print(f"{level.capitalize()}{where}: {message}", file=out)
    out.flush()


def add_mask(secret: str) -> None:
    if secret and in_actions():
        _print_command(f"::add-mask::{escape_data(secret)}")


# Groups GitHub folds cannot nest: an inner ::group:: closes the outer one early. Inside a group, a
# nested group() prints a plain heading line instead.
_open_groups: list[str] = []


@contextmanager
def group(title: str) -> Iterator[None]:
    folded = in_actions() and not _open_groups
    if folded:
        _print_command(f"::group::{escape_data(title)}")
    else:
        print(f"==> {title}", flush=True)
    _open_groups.append(title)
    try:
        yield
    finally:
        _open_groups.pop()
        if folded:
            _print_command("::endgroup::")


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
