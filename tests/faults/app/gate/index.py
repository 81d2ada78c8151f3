"""Custom resource handler: fail or hold a stack's create when the test suite asks (see app.py)."""

import json
import os
import time
import urllib.request
from pathlib import Path

HOLD_LIMIT_SECONDS = 240


def handler(event, context):
    stack_name = event["StackId"].split("/")[1]
    control = Path(os.environ["CONTROL_DIR"])
    status, reason = "SUCCESS", "ok"
    if event["RequestType"] == "Create":
        hold = control / f"{stack_name}.hold"
        if hold.exists():
            (control / f"{stack_name}.started").write_text(event["RequestId"])
            deadline = time.monotonic() + HOLD_LIMIT_SECONDS
            while hold.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        if (control / f"{stack_name}.fail").exists():
            status, reason = "FAILED", "fault injected: the gate refused to open"
    response = {
        "Status": status,
        "Reason": reason,
        "PhysicalResourceId": event.get("PhysicalResourceId") or f"gate-{stack_name}",
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {},
    }
    request = urllib.request.Request(
        event["ResponseURL"], data=json.dumps(response).encode(), method="PUT", headers={"Content-Type": ""}
    )
    urllib.request.urlopen(request, timeout=30).read()
