"""AWS::SNS::TopicPolicy as a real resource.

moto skips the type. CloudFormation replaces the topics' access policy and restores the default
policy on delete.
"""

from __future__ import annotations

import json
from typing import Any

from runner.local.fixes.cfn_models import ResourceModel, register_model
from runner.local.fixes.fix import Fix


class SnsTopicPolicy(ResourceModel):
    resource_type = "AWS::SNS::TopicPolicy"

    def _topics(self, *, must_exist: bool) -> list[Any]:
        from moto.sns.exceptions import TopicNotFound
        from moto.sns.models import sns_backends

        backend: Any = sns_backends[self.account_id][self.region_name]
        topics = []
        for topic_arn in self.properties.get("Topics", []):
            try:
                topics.append(backend.get_topic(str(topic_arn)))
            except TopicNotFound:
                if must_exist:
                    raise
        return topics

    def create(self) -> None:
        for topic in self._topics(must_exist=True):
            topic.policy = json.dumps(self.properties["PolicyDocument"])

    def remove(self) -> None:
        for topic in self._topics(must_exist=False):
            topic._policy_json = topic._create_default_topic_policy(
                self.region_name, self.account_id, topic.name
            )


def _install() -> None:
    register_model(SnsTopicPolicy)


FIX = Fix(
    name="sns_topic_policy_model",
    description="AWS::SNS::TopicPolicy sets the topic policy and is a stack resource (moto skipped it)",
    install=_install,
)
