"""The sticky comment against the strict local GitHub API: create, update, pagination, ownership,
each token kind (classic PAT, GITHUB_TOKEN with `pull-requests: write` alone, App installation
token), comment modes, retried 502s and secondary rate limits, lasting outages, concurrent reports."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from runner.github.comment import CommentMode, CommentOutcome, CommentRequest, publish
from runner.github.connection import GithubConnection

from .github_server import FakeGitHub, ScriptedAnswer

MARKER = "<!-- serverless-pr-test:report prefix=shop -->"
COMMENTS = r"/repos/acme/shop/issues/7/comments"


PAT = "ghp_classicTokenOfCiBot0123456789"
ACTIONS_TOKEN = "ghs_actionsJobToken0123456789"
APP_TOKEN = "ghs_appInstallationToken0123456789"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    server.grant_pat(PAT)
    server.grant_actions_token(ACTIONS_TOKEN, {"pull-requests": "write"})
    server.grant_app_token(APP_TOKEN, "shop-reporter", {"pull_requests": "write"})
    yield server
    server.stop()
    assert server.violations == []


def connection(server: FakeGitHub, retries: int = 3, token: str = PAT) -> GithubConnection:
    return GithubConnection(
        token=token,
        api_url=server.url,
        retries=retries,
        backoff_seconds=0.01,
        secondary_rate_wait=0.1,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )


def request(body: str, marker: str = MARKER, **options: object) -> CommentRequest:
    return CommentRequest(marker, f"{marker}\n{body}", **options)  # type: ignore[arg-type]


def upsert(
    server: FakeGitHub, body: str, marker: str = MARKER, retries: int = 3, token: str = PAT
) -> CommentOutcome:
    result = publish(connection(server, retries, token), "acme/shop", 7, request(body, marker))
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


@pytest.mark.parametrize(
    ("token", "author"),
    [(PAT, "ci-bot"), (ACTIONS_TOKEN, "github-actions[bot]"), (APP_TOKEN, "shop-reporter[bot]")],
    ids=["classic PAT", "GITHUB_TOKEN", "App installation token"],
)
def test_three_runs_leave_one_comment_for_every_token_kind(
    github: FakeGitHub, token: str, author: str
) -> None:
    outcomes = [upsert(github, f"run {index}", token=token) for index in (1, 2, 3)]
    assert outcomes == [CommentOutcome.CREATED, CommentOutcome.UPDATED, CommentOutcome.UPDATED]
    assert [(c.login, c.body) for c in github.comments.values()] == [(author, f"{MARKER}\nrun 3")]
    assert github.count("POST", COMMENTS) == 1
    assert github.count("DELETE", r"/issues/comments/") == 0
    assert github.refused == []  # no 403 noise: identity from GraphQL viewer, never GET /user
    assert github.count("GET", r"^/user$") == 0


def test_pull_requests_write_alone_is_enough_and_the_pr_is_never_read_as_an_issue(github: FakeGitHub) -> None:
    assert upsert(github, "report", token=ACTIONS_TOKEN) is CommentOutcome.CREATED
    assert github.count("GET", r"^/repos/acme/shop/issues/7$") == 0
    assert github.count("GET", r"^/repos/acme/shop/pulls/7$") == 1


def test_the_fake_refuses_reading_the_pr_as_an_issue_without_issues_read(github: FakeGitHub) -> None:
    """The strictness the test above relies on: the old call is refused with this token."""
    from github import GithubException

    client = connection(github, token=ACTIONS_TOKEN).client()
    with pytest.raises(GithubException) as refused:
        client.get_repo("acme/shop").get_issue(7)
    assert refused.value.status == 403


def test_the_fake_records_a_method_githubs_rest_description_lacks(github: FakeGitHub) -> None:
    """Any method reaches the rules, not only the four the runner uses: a PUT on the comments
    listing is a 404 and a violation, as it would be a bug in the runner."""
    put = urllib.request.Request(
        f"{github.url}/repos/acme/shop/issues/7/comments",
        data=b"{}",
        method="PUT",
        headers={"Authorization": f"token {PAT}"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(put, timeout=10)
    assert refused.value.code == 404
    assert github.violations == ["PUT /repos/acme/shop/issues/7/comments: not in GitHub's REST description"]
    github.violations.clear()  # expected here; the fixture fails a test on any other


def test_a_token_without_pull_request_permission_fails_with_githubs_message(github: FakeGitHub) -> None:
    github.grant_actions_token("ghs_contentsOnly0123456789", {"contents": "read"})
    result = publish(connection(github, token="ghs_contentsOnly0123456789"), "acme/shop", 7, request("x"))
    assert result.outcome is CommentOutcome.FAILED
    assert result.message == "GitHub answered 403: Resource not accessible by integration"


def test_an_unchanged_body_is_not_edited(github: FakeGitHub) -> None:
    assert upsert(github, "same") is CommentOutcome.CREATED
    assert upsert(github, "same") is CommentOutcome.UNCHANGED
    assert github.count("PATCH", r"/issues/comments/") == 0


def test_changes_mode_edits_only_when_the_test_outcome_changed(github: FakeGitHub) -> None:
    def post(body: str, key: str) -> CommentOutcome:
        changes = request(body, mode=CommentMode.CHANGES, outcome_key=key)
        return publish(connection(github), "acme/shop", 7, changes).outcome

    assert post("3 passed in 10 s", "passed:3") is CommentOutcome.CREATED
    assert post("3 passed in 12 s", "passed:3") is CommentOutcome.UNCHANGED
    assert post("1 failed", "failed:1") is CommentOutcome.UPDATED
    [comment] = github.comments.values()
    assert comment.body.startswith(f"{MARKER}\n1 failed")


def test_failures_mode_posts_nothing_for_a_pass_but_updates_an_earlier_failure(github: FakeGitHub) -> None:
    def post(body: str, failed: bool) -> CommentOutcome:
        failures = request(body, mode=CommentMode.FAILURES, failed=failed)
        return publish(connection(github), "acme/shop", 7, failures).outcome

    assert post("all green", failed=False) is CommentOutcome.SKIPPED
    assert github.comments == {}
    assert post("1 failed", failed=True) is CommentOutcome.CREATED
    assert post("fixed: all green", failed=False) is CommentOutcome.UPDATED


def test_off_mode_makes_no_request(github: FakeGitHub) -> None:
    result = publish(connection(github), "acme/shop", 7, request("x", mode=CommentMode.OFF))
    assert result.outcome is CommentOutcome.SKIPPED
    assert github.requests == []


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
    github.script += [ScriptedAnswer("POST", "/graphql", 502, body={"message": "Server Error"})] * 10
    result = publish(connection(github, retries=2), "acme/shop", 7, request("body"))
    assert result.outcome is CommentOutcome.FAILED
    assert PAT not in result.message
    assert github.comments == {}


def test_no_token_or_a_fork_means_no_comment(github: FakeGitHub) -> None:
    no_token = GithubConnection(token="", api_url=github.url)
    assert publish(no_token, "acme/shop", 7, request("x")).outcome is CommentOutcome.SKIPPED
    fork = publish(connection(github), "acme/shop", 7, request("x"), is_fork=True)
    assert fork.outcome is CommentOutcome.SKIPPED
    assert "fork" in fork.message
    assert github.requests == []


def test_token_never_appears_in_the_connection_repr(github: FakeGitHub) -> None:
    assert PAT not in repr(connection(github))


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
