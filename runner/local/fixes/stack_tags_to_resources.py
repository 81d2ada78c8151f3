"""Stack tags reach the stack's resources, like CloudFormation.

moto keeps stack tags on the stack only, so the Resource Groups Tagging API finds the stack and
nothing in it. CloudFormation applies the stack's tags, plus `aws:cloudformation:stack-name`,
`aws:cloudformation:stack-id` and `aws:cloudformation:logical-id`, to every taggable resource it
creates or updates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from runner.local.fixes.fix import Fix

logger = logging.getLogger(__name__)

TagWriter = Callable[[Any, dict[str, str], str, str], None]


def _tag_function(resource: Any, tags: dict[str, str], account_id: str, region_name: str) -> None:
    from moto.awslambda.utils import get_backend

    get_backend(account_id, region_name).tag_resource(resource.function_arn, tags)


def _tag_table(resource: Any, tags: dict[str, str], account_id: str, region_name: str) -> None:
    from moto.dynamodb.models import dynamodb_backends

    dynamodb_backends[account_id][region_name].tag_resource(resource.table_arn, tags)


def _tag_queue(resource: Any, tags: dict[str, str], account_id: str, region_name: str) -> None:
    from moto.sqs.models import sqs_backends

    sqs_backends[account_id][region_name].tag_queue(resource.name, tags)


def _tag_topic(resource: Any, tags: dict[str, str], account_id: str, region_name: str) -> None:
    from moto.sns.models import sns_backends

    sns_backends[account_id][region_name].tag_resource(resource.arn, tags)


def _tag_bucket(resource: Any, tags: dict[str, str], account_id: str, region_name: str) -> None:
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    s3_backends[account_id][get_partition(region_name)].tag_resource(resource.arn, tags)


def _tag_events_resource(resource: Any, tags: dict[str, str], account_id: str, region_name: str) -> None:
    from moto.events.models import events_backends

    events_backends[account_id][region_name].tag_resource(resource.arn, tags)


def _tag_role(resource: Any, tags: dict[str, str], account_id: str, region_name: str) -> None:
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    tag_list = [{"Key": key, "Value": value} for key, value in tags.items()]
    iam_backends[account_id][get_partition(region_name)].tag_role(resource.name, tag_list)


def _tag_log_group(resource: Any, tags: dict[str, str], account_id: str, region_name: str) -> None:
    from moto.logs.models import logs_backends

    logs_backends[account_id][region_name].tag_resource(resource.arn, tags)


def _tag_state_machine(resource: Any, tags: dict[str, str], account_id: str, region_name: str) -> None:
    from moto.stepfunctions.models import stepfunctions_backends

    stepfunctions_backends[account_id][region_name].tag_resource(resource.arn, tags)


_WRITERS: dict[str, TagWriter] = {
    "AWS::Lambda::Function": _tag_function,
    "AWS::DynamoDB::Table": _tag_table,
    "AWS::SQS::Queue": _tag_queue,
    "AWS::SNS::Topic": _tag_topic,
    "AWS::S3::Bucket": _tag_bucket,
    "AWS::Events::EventBus": _tag_events_resource,
    "AWS::Events::Rule": _tag_events_resource,
    "AWS::IAM::Role": _tag_role,
    "AWS::Logs::LogGroup": _tag_log_group,
    "AWS::StepFunctions::StateMachine": _tag_state_machine,
}


def tag_stack_resources(stack: Any) -> None:
    """Write the stack's tags onto each taggable resource it holds."""
    for logical_id, resource in list(stack.resource_map._parsed_resources.items()):
        writer = _WRITERS.get(str(getattr(resource, "cf_resource_type", "")))
        if writer is None:
            continue
        tags = {
            **stack.tags,
            "aws:cloudformation:stack-name": stack.name,
            "aws:cloudformation:stack-id": stack.stack_id,
            "aws:cloudformation:logical-id": logical_id,
        }
        try:
            writer(resource, tags, stack.account_id, stack.region_name)
        except Exception:
            # A tag must never fail the deploy; moto may hold a stale object for a resource an
            # update replaced underneath it.
            logger.warning("could not tag %s of stack %s", logical_id, stack.name, exc_info=True)


def _after(original: Any) -> Any:
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.status in ("CREATE_COMPLETE", "UPDATE_COMPLETE", "CREATE_IN_PROGRESS"):
            tag_stack_resources(self)

    return wrapper


def _install() -> None:
    from moto.cloudformation.models import Stack

    Stack.create_resources = _after(Stack.create_resources)  # type: ignore[method-assign]
    Stack.update = _after(Stack.update)  # type: ignore[method-assign]


FIX = Fix(
    name="stack_tags_to_resources",
    description="Stack tags (and aws:cloudformation:* tags) are written onto taggable resources",
    install=_install,
)
