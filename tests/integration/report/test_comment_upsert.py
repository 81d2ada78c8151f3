"""The sticky comment against a local GitHub REST server: create, update, pagination, ownership,
GitHub App tokens, retried 502s and secondary rate limits, lasting outages, concurrent reports."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from runner.comment import CommentOutcome, GithubConnection, publish

from .github_server import FakeGitHub, ScriptedAnswer

MARKER = "<!-- serverless-pr-test:report prefix=shop -->"
COMMENTS = r"/repos/acme/shop/issues/7/comments"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


def connection(server: FakeGitHub, retries: int = 3) -> GithubConnection:
    return GithubConnection(
        token="ghs_test_token_value",
        api_url=server.url,
        retries=retries,
        backoff_seconds=0.01,
        secondary_rate_wait=0.1,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )


def upsert(server: FakeGitHub, body: str, marker: str = MARKER, retries: int = 3) -> CommentOutcome:
    result = publish(connection(server, retries), "acme/shop", 7, marker, f"{marker}\n{body}")
    return result.outcome


def bodies(server: FakeGitHub) -> list[str]:
    return [comment.body for comment in server.comments.values()]


def test_first_report_creates_the_comment_and_the_next_updates_it(github: FakeGitHub) -> None:
    assert upsert(github, "first") is CommentOutcome.CREATED
    assert upsert(github, "second") is CommentOutcome.UPDATED
    assert bodies(github) == [f"{MARKER}\nsecond"]
    assert github.count("POST", COMMENTS) == 1


def test_comment_on_a_later_page_is_found_through_link_headers(github: FakeGitHub) -> None:
    for index in range(130):
        github.add_comment(f"chatter {index}", "reviewer")
    mine = github.add_comment(f"{MARKER}\nold", "ci-bot")
    assert upsert(github, "new") is CommentOutcome.UPDATED
    assert github.comments[mine.id].body == f"{MARKER}\nnew"
    assert github.count("GET", COMMENTS) >= 2


def test_a_marker_quoted_by_someone_else_is_never_touched(github: FakeGitHub) -> None:
    quoted = github.add_comment(f"look at this: {MARKER}", "reviewer")
    assert upsert(github, "report") is CommentOutcome.CREATED
    assert github.comments[quoted.id].body == f"look at this: {MARKER}"
    assert len(github.comments) == 2


def test_each_stack_prefix_keeps_its_own_comment(github: FakeGitHub) -> None:
    other = "<!-- serverless-pr-test:report prefix=billing -->"
    upsert(github, "shop report")
    upsert(github, "billing report", marker=other)
    upsert(github, "shop again")
    assert sorted(bodies(github)) == sorted([f"{MARKER}\nshop again", f"{other}\nbilling report"])


def test_an_installation_token_falls_back_to_the_actions_bot_login(github: FakeGitHub) -> None:
    github.user_endpoint_forbidden = True
    assert upsert(github, "first") is CommentOutcome.CREATED
    assert upsert(github, "second") is CommentOutcome.UPDATED
    assert [(c.login, c.body) for c in github.comments.values()] == [
        ("github-actions[bot]", f"{MARKER}\nsecond")
    ]


def test_bad_gateway_answers_are_retried(github: FakeGitHub) -> None:
    github.script += [ScriptedAnswer("GET", COMMENTS, 502, body={"message": "Server Error"})] * 2
    github.script.append(ScriptedAnswer("POST", COMMENTS, 502, body={"message": "Server Error"}))
    assert upsert(github, "report") is CommentOutcome.CREATED
    assert len(github.comments) == 1
    assert github.count("GET", COMMENTS) >= 3


def test_secondary_rate_limit_with_retry_after_is_waited_out(github: FakeGitHub) -> None:
    message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
    github.script.append(
        ScriptedAnswer(
            "PATCH", r"/repos/acme/shop/issues/comments/\d+", 403, {"Retry-After": "1"}, {"message": message}
        )
    )
    existing = github.add_comment(f"{MARKER}\nold", "ci-bot")
    assert upsert(github, "new") is CommentOutcome.UPDATED
    assert github.comments[existing.id].body == f"{MARKER}\nnew"
    assert github.count("PATCH", r"/issues/comments/") == 2


def test_a_lasting_outage_is_a_failed_outcome_not_an_exception(github: FakeGitHub) -> None:
    github.script += [ScriptedAnswer("GET", "/user", 502, body={"message": "Server Error"})] * 10
    result = publish(connection(github, retries=2), "acme/shop", 7, MARKER, f"{MARKER}\nbody")
    assert result.outcome is CommentOutcome.FAILED
    assert "ghs_test_token_value" not in result.message
    assert github.comments == {}


def test_no_token_or_a_fork_means_no_comment(github: FakeGitHub) -> None:
    no_token = GithubConnection(token="", api_url=github.url)
    assert publish(no_token, "acme/shop", 7, MARKER, "x").outcome is CommentOutcome.SKIPPED
    fork = publish(connection(github), "acme/shop", 7, MARKER, "x", is_fork=True)
    assert fork.outcome is CommentOutcome.SKIPPED
    assert "fork" in fork.message
    assert github.requests == []


def test_token_never_appears_in_the_connection_repr(github: FakeGitHub) -> None:
    assert "ghs_test_token_value" not in repr(connection(github))


def test_two_concurrent_reports_leave_exactly_one_comment(github: FakeGitHub) -> None:
    # Both reports list the comments before either creates one: the race that makes duplicates.
    github.listing_barrier = threading.Barrier(2)
    outcomes: list[CommentOutcome] = []

    def report(name: str) -> None:
        outcomes.append(upsert(github, name))

    threads = [threading.Thread(target=report, args=(name,)) for name in ("run A", "run B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert github.count("POST", COMMENTS) == 2
    assert len(github.comments) == 1
    (survivor,) = github.comments.values()
    assert survivor.body in (f"{MARKER}\nrun A", f"{MARKER}\nrun B")
    assert sorted(outcome.value for outcome in outcomes) in (["created", "updated"], ["updated", "updated"])
