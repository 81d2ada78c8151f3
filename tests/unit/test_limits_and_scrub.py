"""Input bounds (runner.limits) and the environment PR code gets (runner.child_env)."""

import math

import pytest

from runner.child_env import scrubbed_environment, secret_values
from runner.errors import ConfigError
from runner.guard import ownership_problem
from runner.limits import MAX_PR_NUMBER, max_age_hours, pr_number, shard_count, ttl_hours
from runner.tags import MANAGED, PR, REPOSITORY


@pytest.mark.parametrize("raw", ["1", " 42 ", 7, str(MAX_PR_NUMBER)])
def test_pr_numbers_in_range_as_ascii_digits_are_accepted(raw):
    assert pr_number(raw) == int(str(raw).strip())


@pytest.mark.parametrize(
    "raw",
    [
        "²",
        "١٢",
        "0",
        "-1",
        "+1",
        "1.0",
        "1e3",
        "",
        True,
        1.0,
        0,
        MAX_PR_NUMBER + 1,
        "7" * 5000,
        None,
    ],
)
def test_anything_else_is_a_config_error_naming_the_input(raw):
    with pytest.raises(ConfigError, match=r"^--pr must be a whole number from 1 to 1000000000") as caught:
        pr_number(raw, "--pr")
    assert len(str(caught.value)) < 200  # a 5,000-digit input is not echoed whole


def test_a_5000_digit_int_from_a_json_event_is_refused_without_printing_it():
    # (not a parameter above: pytest cannot print a 5,000-digit int as a test id)
    with pytest.raises(ConfigError, match="got a 16610-bit number"):
        pr_number(10**5000, "the event's pull_request.number")


def test_shard_counts_stop_at_githubs_matrix_limit():
    assert shard_count("256") == 256
    with pytest.raises(ConfigError, match="from 1 to 256"):
        shard_count("257")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1e12, 0.0, -1.0, 366 * 24 + 1])
def test_ttls_are_finite_positive_and_within_a_year(value):
    with pytest.raises(ConfigError, match="--ttl-hours"):
        ttl_hours(value)


def test_max_age_is_finite_and_bounded():
    assert max_age_hours(48.0) == 48.0
    for value in (math.nan, math.inf, 1e12, 0.0):
        with pytest.raises(ConfigError, match="--max-age"):
            max_age_hours(value)


def test_pr_code_gets_no_github_or_actions_credential_but_keeps_aws_credentials():
    env = {
        "GITHUB_TOKEN": "a",
        "GH_TOKEN": "b",
        "INPUT_GITHUB-TOKEN": "c",
        "INPUT_GITHUB_TOKEN": "d",
        "ACTIONS_RUNTIME_TOKEN": "e",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "f",
        "ACTIONS_ID_TOKEN_REQUEST_URL": "g",
        "INPUT_DEPLOY-KEY-SECRET": "h",
        "GITHUB_APP_PRIVATE_KEY": "i",
        "AWS_ACCESS_KEY_ID": "keep",
        "AWS_SECRET_ACCESS_KEY": "keep",
        "AWS_SESSION_TOKEN": "keep",
        "GITHUB_REPOSITORY": "keep",
        "PATH": "keep",
    }
    assert set(scrubbed_environment(env).values()) == {"keep"}
    assert sorted(secret_values(env)) == list("abcdefghi")


def test_destroying_for_a_pr_refuses_a_stack_tagged_with_another_pr():
    tags = {MANAGED: "true", REPOSITORY: "acme/shop", PR: "7"}
    assert ownership_problem("shop-pr-1-x", tags, "acme/shop", 1) == (
        "stack shop-pr-1-x belongs to PR #7, not PR #1"
    )
    assert ownership_problem("shop-pr-7", tags, "acme/shop", 7) is None
    assert ownership_problem("shop-pr-7", tags, "acme/shop") is None  # no PR given: the repository decides
