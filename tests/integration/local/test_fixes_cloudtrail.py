"""CloudTrail LookupEvents, which the CDK CLI calls after a failed deploy, against stock and fixed moto."""

from __future__ import annotations

from .cfn_testkit import Moto, assert_call_fails


def test_lookup_events_answers_an_empty_page_instead_of_a_server_error(moto: Moto) -> None:
    cloudtrail = moto.client("cloudtrail")  # no retries: stock moto's 500 would be retried for long
    if not moto.fixed:
        assert_call_fails(lambda: cloudtrail.lookup_events(MaxResults=5))
        return
    assert cloudtrail.lookup_events(MaxResults=5)["Events"] == []
