"""Moved to runner.github (the sticky comment) and runner.github.connection; kept for old imports."""

from runner.github.comment import (
    CommentMode,
    CommentOutcome,
    CommentRequest,
    CommentResult,
    CommentThread,
    publish,
)
from runner.github.connection import DEFAULT_API_URL, GithubConnection

__all__ = [
    "DEFAULT_API_URL",
    "CommentMode",
    "CommentOutcome",
    "CommentRequest",
    "CommentResult",
    "CommentThread",
    "GithubConnection",
    "publish",
]
