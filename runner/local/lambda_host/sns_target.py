"""SNS topics with a `lambda` subscription invoke the function asynchronously with AWS's SNS event.

Stock moto sends a canned record (TopicArn `arn:aws:sns:EXAMPLE`, fixed MessageId, fake attributes)
and runs the handler inside the Publish request.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from runner.local.lambda_host import service

_logger = logging.getLogger(__name__)


def sns_event(
    subscription: Any, message: str, message_id: str, subject: str | None, attributes: dict[str, Any] | None
) -> dict[str, Any]:
    region = subscription.topic.arn.split(":")[3]
    timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription.arn,
                "Sns": {
                    "Type": "Notification",
                    "MessageId": message_id,
                    "TopicArn": subscription.topic.arn,
                    "Subject": subject,
                    "Message": message,
                    "Timestamp": timestamp,
                    "SignatureVersion": "1",
                    "Signature": uuid.uuid4().hex,
                    "SigningCertUrl": f"https://sns.{region}.amazonaws.com/SimpleNotificationService-local.pem",
                    "UnsubscribeUrl": (
                        f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe"
                        f"&SubscriptionArn={subscription.arn}"
                    ),
                    "MessageAttributes": {
                        name: {"Type": value.get("Type"), "Value": value.get("Value")}
                        for name, value in (attributes or {}).items()
                    },
                },
            }
        ]
    }


def install() -> None:
    from moto.awslambda.utils import get_backend
    from moto.sns.models import Subscription

    publish_to_subscriber = Subscription.publish

    def publish(
        self: Any,
        message: str,
        message_id: str,
        subject: str | None = None,
        message_attributes: dict[str, Any] | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
        message_structure: str | None = None,
    ) -> None:
        if self.protocol != "lambda":
            publish_to_subscriber(
                self,
                message,
                message_id,
                subject=subject,
                message_attributes=message_attributes,
                group_id=group_id,
                deduplication_id=deduplication_id,
                message_structure=message_structure,
            )
            return
        matcher = self._filter_policy_matcher
        if matcher is not None and not matcher.matches(message_attributes, message):
            return
        if message_structure == "json":
            message = self._parse_message_structure(message, self.protocol)
        try:
            function = get_backend(self.account_id, self.endpoint.split(":")[3]).get_function(self.endpoint)
        except Exception:
            _logger.warning("SNS subscription %s: function %s not found", self.arn, self.endpoint)
            return
        service.invoke_async(function, sns_event(self, message, message_id, subject, message_attributes))

    subscription_class: Any = Subscription
    subscription_class.publish = publish
