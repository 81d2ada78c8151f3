"""The environment PR code runs with: the app's synth, the CDK CLI and the team's pytest suite.

That code comes from the pull request, so it must never see what lets it write to the repository
or act as the workflow: the GitHub token (in any of its spellings), the Actions runtime and OIDC
request tokens. AWS credentials stay: deploying and testing the app needs them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping

# Exact names GitHub and its tools use for credentials.
_SECRET_NAMES = frozenset(
    {
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GITHUB_PAT",
        "GH_ENTERPRISE_TOKEN",
        "GITHUB_ENTERPRISE_TOKEN",
        "INPUT_GITHUB-TOKEN",
        "INPUT_GITHUB_TOKEN",
        "INPUT_TOKEN",
        "ACTIONS_RUNTIME_TOKEN",
        "ACTIONS_RUNTIME_URL",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "ACTIONS_CACHE_URL",
        "ACTIONS_RESULTS_URL",
        "SPT_GITHUB_TOKEN",
    }
)
# Any other GitHub/Actions/action-input variable whose name says it holds a credential.
_SECRET_PATTERN = re.compile(
    r"^(GITHUB|GH|ACTIONS|INPUT|SPT)[_-].*(TOKEN|SECRET|PASSWORD|PRIVATE[_-]KEY|CREDENTIALS?)",
    re.IGNORECASE,
)


def is_secret_name(name: str) -> bool:
    return name.upper() in _SECRET_NAMES or bool(_SECRET_PATTERN.match(name))


def scrubbed_environment(env: Mapping[str, str]) -> dict[str, str]:
    """`env` without any GitHub or Actions credential: what every subprocess running PR code gets."""
    return {name: value for name, value in env.items() if not is_secret_name(name)}


def secret_values(env: Mapping[str, str]) -> list[str]:
    """The credential values present in `env`, for `::add-mask::`."""
    return [value for name, value in env.items() if value and is_secret_name(name)]


# Where the runner itself finds the GitHub token (GithubConnection.from_env).
TOKEN_VARIABLES = ("GITHUB_TOKEN", "INPUT_GITHUB_TOKEN")
# The token, once taken out of os.environ so no child process (synth, CDK CLI, pytest) inherits it.
_withheld: dict[str, str] = {}


def withhold_token(environ: MutableMapping[str, str]) -> None:
    """Move the token out of `environ` into this process's memory; `withheld` still finds it."""
    for name in TOKEN_VARIABLES:
        value = environ.pop(name, "")
        if value:
            _withheld[name] = value


def withheld(name: str) -> str:
    return _withheld.get(name, "")
