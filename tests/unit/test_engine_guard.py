"""The engine answers only this machine's own processes: loopback Host names, no browser
cross-origin or cross-site requests (the guard runs inside the engine; tested here as a pure rule)."""

from __future__ import annotations

import sys

import pytest

from runner.local.endpoint import ENGINE_SIDE

sys.path.insert(0, str(ENGINE_SIDE))
from spt_engine.guard import refusal


@pytest.mark.parametrize(
    "host",
    ["localhost:4566", "127.0.0.1:4566", "[::1]:4566", "abc123.execute-api.localhost:4566", "LOCALHOST"],
)
def test_loopback_hosts_pass(host: str) -> None:
    assert refusal({"host": host}) is None


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:4566", "localhost.evil.example", "127.0.0.1.nip.io:4566", ""]
)
def test_any_other_host_is_refused_against_dns_rebinding(host: str) -> None:
    assert refusal({"host": host}) == "the local engine answers only Host localhost or 127.0.0.1"


def test_a_request_carrying_an_origin_is_refused_even_from_localhost() -> None:
    assert refusal({"host": "localhost:4566", "origin": "http://localhost:3000"}) is not None
    assert refusal({"host": "localhost:4566", "origin": "https://evil.example"}) is not None


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_browser_navigations_from_other_sites_are_refused(site: str) -> None:
    assert refusal({"host": "localhost:4566", "sec-fetch-site": site}) is not None


def test_a_browser_request_typed_by_the_user_passes() -> None:
    assert refusal({"host": "localhost:4566", "sec-fetch-site": "none"}) is None
