"""S3 bucket notifications to Lambda: AWS's full record shape, invoked asynchronously.

Stock moto leaves out userIdentity, requestParameters, responseElements, the owner and the sequencer,
encodes `/` in the key, and runs the handler inside the PutObject request.
"""

from __future__ import annotations

import copy
import logging
import time
import uuid
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from runner.local.lambda_host import service

_logger = logging.getLogger(__name__)


def complete_s3_event(event: dict[str, Any], account_id: str) -> dict[str, Any]:
    completed = copy.deepcopy(event)
    for record in completed.get("Records", []):
        record.setdefault("userIdentity", {"principalId": f"AWS:{account_id}"})
        record.setdefault("requestParameters", {"sourceIPAddress": "127.0.0.1"})
        record.setdefault(
            "responseElements",
            {"x-amz-request-id": uuid.uuid4().hex[:16].upper(), "x-amz-id-2": uuid.uuid4().hex},
        )
        s3 = record.setdefault("s3", {})
        s3.setdefault("bucket", {}).setdefault("ownerIdentity", {"principalId": account_id})
        s3_object = s3.setdefault("object", {})
        s3_object.setdefault("sequencer", f"{time.time_ns():X}")
        if "key" in s3_object:
            # AWS URL-encodes the key (space -> +) but leaves `/` alone; moto encodes `/` too.
            s3_object["key"] = quote_plus(unquote_plus(s3_object["key"]), safe="/")
    return completed


def install() -> None:
    import moto.s3.notifications as notifications
    from moto.awslambda.utils import get_backend

    def invoke_awslambda(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        try:
            function = get_backend(account_id, region_name).get_function(fn_arn)
        except Exception:
            # S3 accepts the write even when the target is gone, as AWS does.
            _logger.warning("S3 notification: function %s not found", fn_arn)
            return
        service.invoke_async(function, complete_s3_event(event_body, account_id))

    notifications._invoke_awslambda = invoke_awslambda
