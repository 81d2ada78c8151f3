"""AWS::SNS::Subscription as a real resource.

moto has no CloudFormation model for it and skips it with a warning, so a CDK
`topic.add_subscription(...)` creates nothing and SNS -> SQS / SNS -> Lambda delivers nothing.
CloudFormation calls Subscribe and sets the attributes; Ref returns the subscription ARN.
"""

from __future__ import annotations

import json
from typing import Any

from runner.local.fixes.cfn_models import ResourceModel, register_model
from runner.local.fixes.fix import Fix

# Set before FilterPolicy: moto validates a filter policy against the scope already stored.
_ATTRIBUTE_ORDER = (
    "FilterPolicyScope",
    "FilterPolicy",
    "RawMessageDelivery",
    "RedrivePolicy",
    "DeliveryPolicy",
    "SubscriptionRoleArn",
)


class SnsSubscription(ResourceModel):
    resource_type = "AWS::SNS::Subscription"

    def _backend(self) -> Any:
        """The SNS backend of the topic's region (a subscription may target another region's topic)."""
        from moto.sns.models import sns_backends

        arn_parts = str(self.properties.get("TopicArn", "")).split(":")
        region = arn_parts[3] if len(arn_parts) > 3 and arn_parts[3] else self.region_name
        return sns_backends[self.account_id][region]

    def create(self) -> None:
        backend = self._backend()
        subscription = backend.subscribe(
            self.properties["TopicArn"], self.properties["Endpoint"], self.properties["Protocol"]
        )
        self.physical_id = subscription.arn
        for name in _ATTRIBUTE_ORDER:
            if name in self.properties:
                backend.set_subscription_attributes(
                    subscription.arn, name, _attribute_value(name, self.properties[name])
                )

    def remove(self) -> None:
        # Deleting the topic already dropped its subscriptions; unsubscribe tolerates that.
        self._backend().unsubscribe(self.physical_id)

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "Arn":
            return self.physical_id
        return super().get_cfn_attribute(attribute_name)


def _attribute_value(name: str, value: Any) -> Any:
    if name == "RawMessageDelivery":
        # moto's publish tests truthiness; templates carry true/"true"/"false".
        return str(value).lower() == "true"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _install() -> None:
    register_model(SnsSubscription)


FIX = Fix(
    name="sns_subscription_model",
    description="AWS::SNS::Subscription creates a real subscription (moto skipped it: SNS delivered nothing)",
    install=_install,
)
