"""What GitHub renders of a comment as Markdown (for checks that hostile text stays inert there)."""

from __future__ import annotations


def outside_code_blocks(markdown: str) -> str:
    """The Markdown GitHub renders as Markdown: fenced blocks removed the way GFM closes them (a
    fence of at least the opening's length), so a fence inside the text could not end a block."""
    kept, fence = [], ""
    for line in markdown.splitlines():
        stripped = line.strip()
        if not fence and stripped.startswith("```"):
            fence = stripped[: len(stripped) - len(stripped.lstrip("`"))]
        elif fence and stripped.startswith(fence) and not stripped.strip("`"):
            fence = ""
        elif not fence:
            kept.append(line)
    assert not fence, "a code block never closed: the rest of the report would render as code"
    return "\n".join(kept)
