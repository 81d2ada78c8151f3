"""CloudTrail LookupEvents, which the CDK CLI calls after a failed deploy, answers an empty page."""

from __future__ import annotations

from .cfn_testkit import EngineUnderTest


def test_lookup_events_answers_an_empty_page_instead_of_a_server_error(engine: EngineUnderTest) -> None:
    cloudtrail = engine.client("cloudtrail")
    assert cloudtrail.lookup_events(MaxResults=5)["Events"] == []
