"""What a destroyed PR environment left behind, found by ownership: on AWS by this repository's and
PR's tags (CloudFormation propagates stack tags), on the local endpoint by checking that each
physical resource the stacks listed before their deletion is gone. Never by a name substring:
another stack's `<name>-foreign-...` is not ours."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import ClientError

from runner.stacks import StackResource
from runner.tags import MANAGED, MANAGED_VALUE, PR, REPOSITORY


@dataclass(frozen=True)
class Leftover:
    kind: str
    identifier: str

    def __str__(self) -> str:
        return f"{self.kind} {self.identifier}"


@dataclass(frozen=True)
class LeftoverQuery:
    """Whose leftovers to look for: the repository's PR (or, without one, these stacks), and the
    physical resources the stacks listed before their deletion."""

    repository: str
    pr_number: int | None
    stack_names: tuple[str, ...]
    owned: tuple[StackResource, ...] = ()


class LeftoverFinder(Protocol):
    def find(self, query: LeftoverQuery) -> list[Leftover]: ...


class TaggedLeftovers:
    """On AWS, CloudFormation propagates stack tags to resources: ask the tagging API for ours."""

    def __init__(self, tagging_client: Any) -> None:
        self._tagging = tagging_client

    def find(self, query: LeftoverQuery) -> list[Leftover]:
        filters = [
            {"Key": MANAGED, "Values": [MANAGED_VALUE]},
            {"Key": REPOSITORY, "Values": [query.repository]},
        ]
        if query.pr_number is not None:
            filters.append({"Key": PR, "Values": [str(query.pr_number)]})
        else:
            filters.append({"Key": "aws:cloudformation:stack-name", "Values": list(query.stack_names)})
        found: list[Leftover] = []
        paginator = self._tagging.get_paginator("get_resources")
        for page in paginator.paginate(TagFilters=filters):
            for mapping in page["ResourceTagMappingList"]:
                arn = mapping["ResourceARN"]
                if ":cloudformation:" in arn and ":stack/" in arn:
                    continue  # the stack itself: checked separately
                found.append(Leftover(arn.split(":")[2], arn))
        return found


# Not-found answers, by the codes services use for them.
_GONE = ("NotFound", "NonExistent", "NoSuch", "404", "ResourceNotFound", "DoesNotExist")
# An engine that does not implement a check cannot prove anything either way: skipped.
_UNSUPPORTED = ("NotImplemented", "InvalidAction", "UnknownOperation", "501")


class OwnedLeftovers:
    """The local endpoint does not copy stack tags to every resource: check instead that every
    physical resource the destroyed stacks listed is gone."""

    def __init__(self, client_for: Callable[[str], Any]) -> None:
        self._client_for = client_for

    def find(self, query: LeftoverQuery) -> list[Leftover]:
        found: list[Leftover] = []
        for resource in query.owned:
            check = _CHECKS.get(resource.resource_type)
            if check is None or not resource.physical_id:
                continue
            service, kind, call = check
            if self._still_there(service, call, resource.physical_id):
                found.append(Leftover(kind, resource.physical_id))
        return found

    def _still_there(self, service: str, call: Callable[[Any, str], object], physical_id: str) -> bool:
        try:
            call(self._client_for(service), physical_id)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            status = str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
            return not any(mark in code or mark == status for mark in (*_GONE, *_UNSUPPORTED))
        return True


def _log_group_exists(logs: Any, name: str) -> object:
    groups = logs.describe_log_groups(logGroupNamePrefix=name).get("logGroups", [])
    if not any(group["logGroupName"] == name for group in groups):
        raise _not_found()
    return groups


def _rule(events: Any, physical_id: str) -> object:
    # CloudFormation's id for a rule on a custom bus is `<bus>|<rule>`.
    bus, _, rule = physical_id.rpartition("|")
    return events.describe_rule(Name=rule, **({"EventBusName": bus} if bus else {}))


def _not_found() -> Exception:
    return ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "gone"}}, "Describe")


_CHECKS: dict[str, tuple[str, str, Callable[[Any, str], object]]] = {
    "AWS::Lambda::Function": ("lambda", "lambda function", lambda c, i: c.get_function(FunctionName=i)),
    "AWS::DynamoDB::Table": ("dynamodb", "dynamodb table", lambda c, i: c.describe_table(TableName=i)),
    "AWS::SQS::Queue": ("sqs", "sqs queue", lambda c, i: c.get_queue_attributes(QueueUrl=i)),
    "AWS::SNS::Topic": ("sns", "sns topic", lambda c, i: c.get_topic_attributes(TopicArn=i)),
    "AWS::S3::Bucket": ("s3", "s3 bucket", lambda c, i: c.head_bucket(Bucket=i)),
    "AWS::Events::EventBus": ("events", "eventbridge bus", lambda c, i: c.describe_event_bus(Name=i)),
    "AWS::Events::Rule": ("events", "eventbridge rule", _rule),
    "AWS::Logs::LogGroup": ("logs", "log group", _log_group_exists),
    "AWS::IAM::Role": ("iam", "iam role", lambda c, i: c.get_role(RoleName=i)),
    "AWS::StepFunctions::StateMachine": (
        "stepfunctions",
        "state machine",
        lambda c, i: c.describe_state_machine(stateMachineArn=i),
    ),
}
