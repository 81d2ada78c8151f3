"""The janitor on a GitHub that answers 5xx: unknown means keep. It goes on with what it can decide
from tags alone (an expired stack goes), keeps the stacks whose PR it could not ask about, and
exits with its own status (12) and one `Error:` line saying so."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .conftest import QUEUE, assert_one_clean_error, cli, cli_env, create_stack, stack_exists, tags


class BadGateway(BaseHTTPRequestHandler):
    """Every request: 502, as GitHub answers during an outage."""

    requests = 0

    def do_GET(self) -> None:
        BadGateway.requests += 1
        body = b'{"message": "Server Error"}'
        self.send_response(502)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def github_down() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BadGateway)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


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
        GITHUB_API_URL=github_down,
        SPT_GITHUB_RETRIES="1",
    )
    ran = cli(["janitor", "--repository", repository, "--endpoint-url", endpoint.url], env, timeout=120)
    assert_one_clean_error(ran, 12, "GitHub could not say whether some PRs are closed (PR #5")
    assert BadGateway.requests >= 1
    assert stack_exists(aws, open_or_not)  # unknown means keep
    assert not stack_exists(aws, expired)  # decided by its tags alone
