"""How to reach GitHub and who the token is.

The identity comes from the GraphQL `viewer`, which answers for every token kind: a PAT's user, an
App installation token's `<app>[bot]`, the Actions GITHUB_TOKEN's `github-actions[bot]`. REST
`GET /user` answers 403 for the last two, which used to put a failed request in every Actions log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from github import Auth, Github, GithubException, GithubRetry
from requests.exceptions import RequestException
from urllib3.exceptions import HTTPError
from urllib3.util.retry import Retry

from runner.child_env import TOKEN_VARIABLES, withheld
from runner.errors import ConfigError

DEFAULT_API_URL = "https://api.github.com"
VIEWER_QUERY = "query { viewer { login } }"


class TokenKind(Enum):
    """Told apart by GitHub's documented token prefixes; only used to skip calls a kind cannot make."""

    CLASSIC_PAT = "ghp_"
    FINE_GRAINED_PAT = "github_pat_"
    INSTALLATION = "ghs_"  # GITHUB_TOKEN and GitHub App installation tokens
    OTHER = ""

    @classmethod
    def of(cls, token: str) -> TokenKind:
        return next((kind for kind in cls if kind.value and token.startswith(kind.value)), cls.OTHER)


@dataclass(frozen=True)
class GithubConnection:
    """How to reach GitHub. The token is never printed (repr=False) and is masked by the caller."""

    token: str = field(default="", repr=False)
    api_url: str = DEFAULT_API_URL
    retries: int = 5
    backoff_seconds: float = 1.0
    secondary_rate_wait: float = 60.0
    # PyGithub's pacing between calls (GitHub asks integrations not to burst); tests set 0.
    seconds_between_requests: float = 0.25
    seconds_between_writes: float = 1.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GithubConnection:
        """GITHUB_TOKEN (or the action input), GITHUB_API_URL (GHES), SPT_GITHUB_RETRIES (default 5)."""
        retries = env.get("SPT_GITHUB_RETRIES", "5")
        if not retries.isdigit():
            raise ConfigError(f"SPT_GITHUB_RETRIES must be a whole number, got {retries!r}")
        token = next(
            (env.get(name) or withheld(name) for name in TOKEN_VARIABLES if env.get(name) or withheld(name)),
            "",
        )
        return cls(
            token=token,
            api_url=env.get("GITHUB_API_URL", DEFAULT_API_URL) or DEFAULT_API_URL,
            retries=int(retries),
        )

    def __repr__(self) -> str:
        return f"GithubConnection(api_url={self.api_url!r}, token={'***' if self.token else 'none'})"

    @property
    def token_kind(self) -> TokenKind:
        return TokenKind.of(self.token)

    def client(self) -> Github:
        retry = GithubRetry(
            total=self.retries,
            backoff_factor=self.backoff_seconds,
            secondary_rate_wait=self.secondary_rate_wait,
            # PATCH (edit) is idempotent; a retried POST can duplicate, which upsert cleans up.
            allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | {"GET", "POST", "PATCH"},
        )
        return Github(
            auth=Auth.Token(self.token),
            base_url=self.api_url.rstrip("/"),
            retry=retry,
            timeout=20,
            per_page=100,
            seconds_between_requests=self.seconds_between_requests,
            seconds_between_writes=self.seconds_between_writes,
        )


def viewer_login(github: Github) -> str:
    """The token's own login through GraphQL `viewer` (no permission needed, no 403 for any kind)."""
    _, payload = github.requester.graphql_query(VIEWER_QUERY, {})
    return str(payload["data"]["viewer"]["login"])


def failure_message(error: Exception) -> str:
    """One line for a warning: GitHub's status and message, never the token or a traceback."""
    if isinstance(error, GithubException):
        detail = error.data.get("message") if isinstance(error.data, dict) else None
        return f"GitHub answered {error.status}: {detail or 'no message'}"
    return f"could not reach GitHub: {type(error).__name__}"


def github_errors() -> tuple[type[Exception], ...]:
    """What a GitHub call can raise that is GitHub's or the network's trouble, not a bug."""
    return (GithubException, RequestException, HTTPError, OSError)
