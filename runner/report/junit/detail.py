"""What sits below one `<testcase>`: the result's message and text, flaky attempts, properties, and
a failed test's captured output, gathered from expat callbacks with every text bounded."""

from __future__ import annotations

from xml.parsers.expat import XMLParserType

from runner.report.junit.model import CaseDetail, Outcome

# Failure text beyond this is cut when read: the report shows a short traceback, nothing needs more.
MAX_TEXT_CHARS = 8_000
MAX_MESSAGE_CHARS = 2_000
MAX_OUTPUT_CHARS = 4_000  # the end of a failed test's system-out/system-err
_RESULT_TAGS = {"failure": Outcome.FAILED, "error": Outcome.ERROR, "skipped": Outcome.SKIPPED}
_FLAKY_TAGS = frozenset({"flakyFailure", "flakyError"})
_RERUN_TAGS = frozenset({"rerunFailure", "rerunError", "rerun"})
_XUNIT_NET_TEXT = frozenset({"message", "stack-trace", "reason"})
_OUTPUT_TAGS = frozenset({"system-out", "system-err"})
_PASSED = Outcome.PASSED


class DetailReader:
    """Everything below one `<testcase>`: result message and text, flaky attempts, properties.

    One is made for every testcase with a child element (each skip and failure), so it is slotted
    and called with positional arguments: this path costs as much as the passing ones put together."""

    __slots__ = (
        "_captured",
        "_captured_chars",
        "_parser",
        "capture_tag",
        "failure_type",
        "flaky",
        "message",
        "output",
        "properties",
        "reruns",
        "text",
    )

    def __init__(self, parser: XMLParserType) -> None:
        self._parser = parser
        self.message = self.text = self.failure_type = self.output = ""
        self.flaky = self.reruns = 0
        self.properties: list[tuple[str, str]] = []
        self.capture_tag: str | None = None
        self._captured: list[str] = []
        self._captured_chars = 0

    def child(self, name: str, attrs: dict[str, str], outcome: Outcome, xunit_net: bool) -> Outcome:
        """The testcase's outcome once child element `name` (local name) has started."""
        result = _RESULT_TAGS.get(name)
        if result is not None and not xunit_net:
            # A failure or error outranks a skip; the first of equal rank is kept.
            if outcome is _PASSED or (outcome is Outcome.SKIPPED and result.is_failure):
                self.message = _cut(attrs.get("message", ""), MAX_MESSAGE_CHARS)
                self.failure_type = attrs.get("type", "")
                self._capture(name)
                return result
        elif name == "failure":  # xUnit.net: the text sits in <message> and <stack-trace> children
            self.failure_type = attrs.get("exception-type", "")
        elif name in _FLAKY_TAGS:
            self.flaky += 1
        elif name in _RERUN_TAGS:
            self.reruns += 1
        elif name in ("property", "trait"):
            self.properties.append((attrs.get("name", ""), attrs.get("value", "")))
        elif xunit_net and name in _XUNIT_NET_TEXT:
            self._capture(name)
        elif name in _OUTPUT_TAGS and outcome.is_failure and self.capture_tag is None:
            # Only a failed test's captured output is worth keeping; producers write it after the
            # failure element, so the outcome is already known here.
            self._capture(name)
        return outcome

    def _capture(self, tag: str) -> None:
        self.capture_tag = tag
        self._captured = []
        self._captured_chars = 0
        self._parser.CharacterDataHandler = self._data

    def _data(self, text: str) -> None:
        if self._captured_chars <= MAX_TEXT_CHARS:
            self._captured.append(text)
            self._captured_chars += len(text)

    def end(self, name: str) -> None:
        """Element `name` (local name) ended while `capture_tag` is set."""
        if name != self.capture_tag:
            return
        self._parser.CharacterDataHandler = None
        self.capture_tag = None
        text = _cut("".join(self._captured), MAX_TEXT_CHARS)
        if name in _OUTPUT_TAGS:
            self.output = (self.output + "\n" + text).strip("\n")[-MAX_OUTPUT_CHARS:]
        elif name in ("message", "reason"):
            self.message = _cut(text, MAX_MESSAGE_CHARS)
        else:
            self.text = text

    def freeze(self, outcome: Outcome) -> CaseDetail:
        if self.capture_tag is not None:
            self.end(self.capture_tag)
        return CaseDetail(
            self.message,
            self.text,
            self.failure_type,
            self.flaky if outcome is _PASSED else self.flaky + self.reruns,
            tuple(self.properties),
            self.output,
        )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "\n[... cut]"
