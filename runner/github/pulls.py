"""Which pull request a commit heads: the fork recipe's `workflow_run` job reports for the PR whose
head is the triggering run's commit, asked of the API (`pull-requests: read`), because an artifact
the fork's own code wrote could name any PR."""

from __future__ import annotations

import re

from runner.errors import ConfigError
from runner.github.connection import GithubConnection, failure_message, github_errors

_SHA = re.compile(r"[0-9a-f]{40}")


class PullLookupError(ConfigError):
    """The pull request for a commit could not be asked of GitHub."""


def pr_for_commit(connection: GithubConnection, repository: str, head_sha: str) -> int | None:
    """The open PR whose head commit is `head_sha`; None when no open PR has it (pushed since)."""
    if not _SHA.fullmatch(head_sha):
        raise ConfigError(f"--pr-for-commit must be a 40-character commit SHA, got {head_sha!r}")
    try:
        pulls = connection.client().get_repo(repository).get_pulls(state="open")
        matches = [pull.number for pull in pulls if pull.head.sha == head_sha]
    except github_errors() as error:
        raise PullLookupError(f"could not list pull requests: {failure_message(error)}") from error
    return min(matches) if matches else None
