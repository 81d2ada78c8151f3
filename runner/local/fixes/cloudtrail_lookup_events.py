"""CloudTrail LookupEvents answers an empty page instead of HTTP 500.

When a deploy fails, the CDK CLI asks CloudTrail which API calls failed so it can explain the
error. moto does not implement the action: it answers 500, the CLI retries with backoff for about
half a minute and prints moto's traceback. The local endpoint records no trail, so an empty
result is the truthful answer (as AWS gives for a window with no matching events).
"""

from __future__ import annotations

import json

from runner.local.fixes.fix import Fix


def _install() -> None:
    from moto.cloudtrail.responses import CloudTrailResponse

    def lookup_events(self: CloudTrailResponse) -> str:
        return json.dumps({"Events": []})

    CloudTrailResponse.lookup_events = lookup_events  # type: ignore[attr-defined]


FIX = Fix(
    name="cloudtrail_lookup_events",
    description="CloudTrail LookupEvents returns no events, not HTTP 500 (CDK asks after a failed deploy)",
    install=_install,
)
