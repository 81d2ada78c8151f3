import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runner.errors import ConfigError
from runner.naming import (
    DEFAULT_MAX_LENGTH,
    MEMBER_MAX_LENGTH,
    belongs_to,
    check_stack_name,
    is_valid_stack_name,
    member_stack_name,
    parse_pr_number,
    pr_stack_name,
    sanitize_prefix,
)

prefixes = st.text(min_size=1, max_size=200).filter(
    lambda text: any(c.isascii() and c.isalpha() for c in text[:1])
)
pr_numbers = st.integers(min_value=1, max_value=10**9)


def test_pr_stack_name_joins_prefix_and_number():
    assert pr_stack_name("shop", 1234) == "shop-pr-1234"


def test_prefix_is_lower_cased_and_cleaned():
    assert sanitize_prefix("My_Shop  App!") == "my-shop-app"


def test_prefix_without_leading_letter_is_rejected():
    with pytest.raises(ConfigError, match="must contain a letter first"):
        sanitize_prefix("123")


def test_long_names_are_shortened_with_a_hash_so_neighbours_differ():
    prefix = "a-very-long-application-name-that-goes-on-and-on"
    first, second = pr_stack_name(prefix, 88), pr_stack_name(prefix, 89)
    assert len(first) <= DEFAULT_MAX_LENGTH
    assert len(second) <= DEFAULT_MAX_LENGTH
    assert first != second


@pytest.mark.parametrize("raw", ["0", "-3", "abc", "1.5", "", " ", "12a"])
def test_invalid_pr_numbers_are_config_errors_naming_the_input(raw):
    with pytest.raises(ConfigError, match="PR number must be a positive integer"):
        parse_pr_number(raw)


def test_explicit_stack_names_follow_cloudformation_rules():
    assert check_stack_name("Shop-pr-1") == "Shop-pr-1"
    with pytest.raises(ConfigError, match="invalid"):
        check_stack_name("1shop")
    with pytest.raises(ConfigError, match="invalid"):
        check_stack_name("shop_pr")


def test_belongs_to_does_not_confuse_neighbouring_prs():
    assert belongs_to("shop-pr-1", "shop-pr-1")
    assert belongs_to("shop-pr-1-data", "shop-pr-1")
    assert not belongs_to("shop-pr-12", "shop-pr-1")


@given(prefix=prefixes, pr=pr_numbers)
def test_every_generated_name_is_valid(prefix, pr):
    try:
        name = pr_stack_name(prefix, pr)
    except ConfigError:
        return  # prefixes with no usable letter first are refused, never mangled
    assert is_valid_stack_name(name, DEFAULT_MAX_LENGTH)
    assert name == name.lower()


@given(prefix=prefixes, first=pr_numbers, second=pr_numbers)
def test_distinct_prs_never_share_a_stack_name(prefix, first, second):
    if first == second:
        return
    try:
        names = {pr_stack_name(prefix, first), pr_stack_name(prefix, second)}
    except ConfigError:
        return
    assert len(names) == 2


@given(pr=pr_numbers, length=st.integers(min_value=8, max_value=128))
def test_names_respect_any_length_limit(pr, length):
    assert len(pr_stack_name("inventory-reservations-service", pr, max_length=length)) <= length


def test_one_of_several_stacks_is_named_after_the_pr_and_its_own_name():
    assert member_stack_name("shop-pr-12", "OrdersData") == "shop-pr-12-ordersdata"
    assert member_stack_name("shop-pr-12", "Prod-Api_v2") == "shop-pr-12-prod-api-v2"


def test_a_long_member_name_keeps_the_pr_name_whole_and_ends_with_a_hash():
    original = "CustomerNotificationPreferencesAndDeliveryChannels"
    first = member_stack_name("shop-pr-88", original)
    second = member_stack_name("shop-pr-88", original + "Archive")
    assert len(first) <= MEMBER_MAX_LENGTH
    assert first.startswith("shop-pr-88-customernotification")
    assert first != second


def test_a_base_name_with_no_room_left_for_the_stack_is_refused():
    with pytest.raises(ConfigError, match="shorter --stack-prefix"):
        member_stack_name("a" * 60, "Data")


stack_ids = st.text(alphabet=st.characters(categories=["L", "N", "P"]), min_size=1, max_size=120)


def cleaned(original):
    return re.sub(r"[^a-z0-9]+", "-", original.lower()).strip("-") or "stack"


@given(original=stack_ids, other=stack_ids, pr=pr_numbers)
def test_member_names_are_valid_belong_to_their_pr_and_differ_for_different_stacks(original, other, pr):
    base = pr_stack_name("inventory-reservations", pr)
    name = member_stack_name(base, original)
    assert is_valid_stack_name(name, MEMBER_MAX_LENGTH)
    assert belongs_to(name, base)
    if cleaned(original) != cleaned(other):
        assert member_stack_name(base, other) != name
