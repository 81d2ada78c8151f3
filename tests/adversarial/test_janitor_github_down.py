"""The janitor on a GitHub that answers 5xx: unknown means keep. It goes on with what it can decide
from tags alone (an expired stack goes), keeps the stacks whose PR it could not ask about, and
exits with its own status (12) and one `Error:` line saying so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.http_server import ANY_METHOD, LoopbackServer, Response

from .conftest import QUEUE, assert_one_clean_error, cli, cli_env, create_stack, stack_exists, tags


@pytest.fixture
def github_down() -> Iterator[LoopbackServer]:
    """Every request: 502, as GitHub answers during an outage."""
    with LoopbackServer() as server:
        server.route(ANY_METHOD, r".*", lambda request: Response.json(502, {"message": "Server Error"}))
        yield server


def test_the_janitor_keeps_going_on_a_github_5xx_and_keeps_what_it_could_not_judge(
    endpoint, aws, unique, github_down
):
    repository = f"acme/{unique}"
    open_or_not, expired = f"{unique}-pr-5", f"{unique}-pr-6"
    create_stack(aws, open_or_not, QUEUE, tags(repository=repository, pr=5, expires="2099-01-01T00:00:00Z"))
    create_stack(aws, expired, QUEUE, tags(repository=repository, pr=6, expires="2020-01-01T00:00:00Z"))
    env = cli_env(
        endpoint,
        GITHUB_TOKEN="ghs_test",
        GITHUB_API_URL=github_down.url,
        SPT_GITHUB_RETRIES="1",
    )
    ran = cli(["janitor", "--repository", repository, "--endpoint-url", endpoint.url], env, timeout=120)
    assert_one_clean_error(ran, 12, "GitHub could not say whether some PRs are closed (PR #5")
    assert github_down.requests
    assert stack_exists(aws, open_or_not)  # unknown means keep
    assert not stack_exists(aws, expired)  # decided by its tags alone
