"""Untrusted text (test names, messages, tracebacks) made inert in GitHub Markdown.

Inline: HTML characters become entities, line breaks become spaces, `@` gets a zero-width joiner so a
test name never pings anyone, and Markdown punctuation is backslash-escaped only where Markdown would
act on it: code spans, emphasis, links, table cells and strikethrough anywhere, `_` only at a word's
edge (GFM ignores it inside words), and a list, heading or thematic-break marker only at the start.
So `us-east-1` and `snake_case` stay as written. Blocks: a fenced code block whose fence is longer
than any backtick run inside, so the text cannot close it; with a language only when it is known.
"""

from __future__ import annotations

import re

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*\[\]|~])")
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# What makes a line a heading, a list item or a thematic break when it starts it.
_BLOCK_MARKER = re.compile(r"^(#{1,6}(?=\s|$)|[-+=](?=[\s\-=]|$)|\d{1,9}[.)](?=\s|$))")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_BACKTICK_RUN = re.compile(r"`+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ZERO_WIDTH_JOINER = "\u200d"


def inline(text: str, limit: int = 300) -> str:
    """One line of plain text, safe anywhere in Markdown (tables included)."""
    flat = " ".join(_CONTROL.sub("", text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat)
    flat = _EDGE_UNDERSCORE.sub(r"\\_", flat)
    flat = _BLOCK_MARKER.sub(_escape_marker, flat)
    return _MENTION.sub("@" + ZERO_WIDTH_JOINER, flat)


def _escape_marker(match: re.Match[str]) -> str:
    marker = match.group(0)
    # `1. done` would start an ordered list: the delimiter is what gets escaped there.
    return marker[:-1] + "\\" + marker[-1] if marker[0].isdigit() else "\\" + marker


def code_block(text: str, language: str = "") -> str:
    """A fenced block that `text` cannot break out of (its fence outgrows every backtick run);
    `language` only when it is known (a pytest traceback is Python; a C# or Java trace is not)."""
    clean = _CONTROL.sub("", text).rstrip("\n")
    longest = max((len(run) for run in _BACKTICK_RUN.findall(clean)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{clean}\n{fence}"


def tail_lines(text: str, max_lines: int, max_chars: int) -> str:
    """The end of a traceback: where the failure is, within a line and character budget."""
    lines = text.rstrip("\n").splitlines()
    kept = lines[-max_lines:]
    short = "\n".join(kept)
    if len(short) > max_chars:
        short = short[-max_chars:]
    if len(kept) < len(lines) or len(short) < len("\n".join(kept)):
        short = "…\n" + short
    return short
