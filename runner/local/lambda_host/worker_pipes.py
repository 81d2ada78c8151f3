"""Reading one worker's two pipes: JSON answers on the response pipe, the function's output on the other."""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

_READ_SIZE = 65536
# Once the worker's answer pipe closes, how long to keep reading its output for last words.
_EXIT_DRAIN_SECONDS = 1.0


class PhaseEnd(Enum):
    """How a phase (init or one invocation) ended."""

    ANSWERED = "answered"
    TIMED_OUT = "timed_out"
    EXITED = "exited"


@dataclass(frozen=True)
class Phase:
    end: PhaseEnd
    output: bytes
    message: dict[str, Any] = field(default_factory=dict)


class WorkerPipes:
    """The bootstrap answers each phase with one JSON line and ends that phase's output with a marker,
    so a phase is complete when both have arrived; output written after the marker belongs to the next."""

    def __init__(self, response_fd: int, output_fd: int, marker: bytes) -> None:
        self._marker = marker
        self._response_fd = response_fd
        self._output_fd = output_fd
        self._responses = b""
        self._output = b""
        self._selector = selectors.DefaultSelector()
        self._selector.register(response_fd, selectors.EVENT_READ)
        self._selector.register(output_fd, selectors.EVENT_READ)
        self._open = {response_fd, output_fd}

    def next_phase(self, deadline: float) -> Phase:
        """Block until the worker answers, exits, or `deadline` (time.monotonic()) passes."""
        message: dict[str, Any] | None = None
        phase_output: bytes | None = None
        while True:
            if message is None:
                message = self._pop_message()
            if phase_output is None:
                phase_output = self._pop_output()
            if message is not None and phase_output is not None:
                return Phase(PhaseEnd.ANSWERED, phase_output, message)
            if self._response_fd not in self._open:
                self._drain_output(time.monotonic() + _EXIT_DRAIN_SECONDS)
                return Phase(PhaseEnd.EXITED, self._take_output(phase_output))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return Phase(PhaseEnd.TIMED_OUT, self._take_output(phase_output))
            self._read_ready(remaining)

    def close(self) -> None:
        self._selector.close()
        for fd in (self._response_fd, self._output_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._open.clear()

    def _read_ready(self, timeout: float) -> None:
        for key, _events in self._selector.select(timeout):
            fd = int(key.fd)
            data = os.read(fd, _READ_SIZE)
            if not data:
                self._selector.unregister(fd)
                self._open.discard(fd)
            elif fd == self._response_fd:
                self._responses += data
            else:
                self._output += data

    def _drain_output(self, deadline: float) -> None:
        while self._output_fd in self._open and (remaining := deadline - time.monotonic()) > 0:
            self._read_ready(remaining)

    def _pop_message(self) -> dict[str, Any] | None:
        line, newline, rest = self._responses.partition(b"\n")
        if not newline:
            return None
        self._responses = rest
        message: dict[str, Any] = json.loads(line)
        return message

    def _pop_output(self) -> bytes | None:
        before, marker, after = self._output.partition(self._marker)
        if not marker:
            return None
        self._output = after
        return before

    def _take_output(self, phase_output: bytes | None) -> bytes:
        taken = (phase_output or b"") + self._output
        self._output = b""
        return taken
