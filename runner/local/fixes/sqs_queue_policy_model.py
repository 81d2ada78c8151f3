"""AWS::SQS::QueuePolicy as a real resource.

moto skips the type, so the stack does not list it and queues carry no policy. CloudFormation sets
the queues' Policy attribute and clears it on delete.
"""

from __future__ import annotations

import json
from typing import Any

from runner.local.fixes.cfn_models import ResourceModel, register_model
from runner.local.fixes.fix import Fix


class SqsQueuePolicy(ResourceModel):
    resource_type = "AWS::SQS::QueuePolicy"

    def _set_policy(self, policy: str) -> None:
        from moto.sqs.exceptions import QueueDoesNotExist
        from moto.sqs.models import sqs_backends

        backend: Any = sqs_backends[self.account_id][self.region_name]
        for queue_url in self.properties.get("Queues", []):
            try:
                backend.set_queue_attributes(str(queue_url).rsplit("/", 1)[-1], {"Policy": policy})
            except QueueDoesNotExist:
                if policy:
                    raise

    def create(self) -> None:
        self._set_policy(json.dumps(self.properties["PolicyDocument"]))

    def remove(self) -> None:
        self._set_policy("")


def _install() -> None:
    register_model(SqsQueuePolicy)


FIX = Fix(
    name="sqs_queue_policy_model",
    description="AWS::SQS::QueuePolicy sets the queue Policy and is a stack resource (moto skipped it)",
    install=_install,
)
