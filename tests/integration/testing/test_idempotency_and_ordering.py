"""assert_idempotent and assert_latest_wins against DynamoDB on the embedded endpoint: they pass for
correct implementations (conditional writes) and catch the naive ones."""

from __future__ import annotations

import random
import threading
from collections import Counter

import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from runner.testing import assert_idempotent, assert_latest_wins, shuffled_with_duplicates


@pytest.fixture
def table(aws, unique_name):
    name = unique_name("table")
    aws("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def reservations(aws, table, prefix):
    items = aws("dynamodb").scan(TableName=table)["Items"]
    return [item for item in items if item["pk"]["S"].startswith(prefix)]


def test_a_conditional_write_is_idempotent_even_when_requests_race(aws, table):
    def reserve(event):
        key = f"reservation#{event['key']}"
        try:
            # Only the first request creates the record; the others read what it stored.
            aws("dynamodb").put_item(
                TableName=table,
                Item={"pk": {"S": key}, "qty": {"N": str(event["qty"])}},
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
        stored = aws("dynamodb").get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True)[
            "Item"
        ]
        return {"reservation": key, "qty": int(stored["qty"]["N"])}

    response = assert_idempotent(
        reserve,
        {"key": "k1", "qty": 2},
        side_effects=lambda: reservations(aws, table, "reservation#k1"),
        concurrency=4,
    )
    assert response == {"reservation": "reservation#k1", "qty": 2}


def test_a_blind_write_per_request_is_caught(aws, table):
    counter = iter(range(100))
    lock = threading.Lock()

    def reserve(event):
        with lock:
            number = next(counter)
        aws("dynamodb").put_item(TableName=table, Item={"pk": {"S": f"blind#{event['key']}#{number}"}})
        return {"ok": True}

    with pytest.raises(AssertionError, match=r"2 identical requests caused 2 side effect\(s\), expected 1"):
        assert_idempotent(reserve, {"key": "k2"}, side_effects=lambda: reservations(aws, table, "blind#k2"))


def test_responses_that_differ_are_caught():
    calls = iter(range(10))
    with pytest.raises(AssertionError, match=r"response #2: \{'n': 1\} != first: \{'n': 0\}"):
        assert_idempotent(lambda event: {"n": next(calls)}, {"key": "k"})


def _apply_if_newer(aws, table, key):
    def send(update):
        try:
            # Stale and repeated updates fail the condition and change nothing.
            aws("dynamodb").put_item(
                TableName=table,
                Item={
                    "pk": {"S": key},
                    "seq": {"N": str(update["seq"])},
                    "stock": {"N": str(update["stock"])},
                },
                ConditionExpression="attribute_not_exists(pk) OR seq < :seq",
                ExpressionAttributeValues={":seq": {"N": str(update["seq"])}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    return send


def _read_stock(aws, table, key):
    def read():
        item = aws("dynamodb").get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True)["Item"]
        return int(item["stock"]["N"])

    return read


UPDATES = [{"seq": seq, "stock": 100 - seq * 7} for seq in range(1, 7)]


def test_sequence_checked_updates_end_at_the_newest_state(aws, table):
    order = assert_latest_wins(
        _apply_if_newer(aws, table, "sku-1"),
        UPDATES,
        sequence=lambda update: update["seq"],
        read_state=_read_stock(aws, table, "sku-1"),
        expected=lambda newest: newest["stock"],
        duplicates=3,
        seed="sku-1",
        timeout=5,
    )
    assert len(order) == len(UPDATES) + 3
    assert order[-1]["seq"] < 6


def test_last_writer_wins_is_caught_because_a_stale_update_always_arrives_last(aws, table):
    def overwrite(update):
        aws("dynamodb").put_item(
            TableName=table, Item={"pk": {"S": "sku-2"}, "stock": {"N": str(update["stock"])}}
        )

    with pytest.raises(AssertionError, match=r"state to reach sequence 6 \(58\) after deliveries \["):
        assert_latest_wins(
            overwrite,
            UPDATES,
            sequence=lambda update: update["seq"],
            read_state=_read_stock(aws, table, "sku-2"),
            expected=lambda newest: newest["stock"],
            timeout=1,
        )


@given(
    st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=12), st.integers(0, 4), st.integers()
)
def test_shuffled_deliveries_hold_every_update_and_never_end_on_the_newest(sequences, duplicates, seed):
    order = shuffled_with_duplicates(sequences, lambda s: s, duplicates=duplicates, rng=random.Random(seed))
    assert len(order) == len(sequences) + duplicates
    assert Counter(sequences) - Counter(order) == Counter()
    if min(sequences) < max(sequences):
        assert order[-1] < max(sequences)
