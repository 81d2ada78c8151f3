"""How each CloudFormation resource type is metered and priced (pure: no I/O).

A meter names the CloudWatch series it needs and turns their sums into priced lines. A series whose
value is None had no data source (e.g. the local endpoint publishes only AWS/Lambda): the resource
is listed as not priced, never counted as zero. Types in FREE cost nothing by themselves (their use
is billed on another resource, e.g. a rule's events on the bus); any other type is listed unpriced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from runner.cost.model import CostLine, MetricQuery, Resource, ResourceFacts, Service, Unpriced
from runner.cost.prices import HOURS_PER_MONTH, PriceTable

Usage = Mapping[str, float | None]
Priced = tuple[list[CostLine], list[Unpriced]]

FREE = frozenset(
    {
        "AWS::CDK::Metadata",
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::InstanceProfile",
        "AWS::Lambda::Permission",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::EventInvokeConfig",
        "AWS::Lambda::Url",
        "AWS::Lambda::LayerVersion",
        "AWS::Lambda::LayerVersionPermission",
        "AWS::SNS::Subscription",
        "AWS::SNS::TopicPolicy",
        "AWS::SQS::QueuePolicy",
        "AWS::S3::BucketPolicy",
        "AWS::Events::Rule",
        "AWS::Events::EventBusPolicy",
        "AWS::ApiGateway::Account",
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::Resource",
        "AWS::ApiGatewayV2::Stage",
        "AWS::ApiGatewayV2::Route",
        "AWS::ApiGatewayV2::Integration",
        "AWS::SSM::Parameter",
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::RouteTable",
        "AWS::EC2::Route",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::KMS::Alias",
        "AWS::CloudFormation::WaitConditionHandle",
    }
)


@dataclass(frozen=True)
class Meter:
    service: Service
    queries: Callable[[Resource, ResourceFacts], dict[str, MetricQuery]]
    price: Callable[[Resource, ResourceFacts, Usage, PriceTable, float], Priced]


def _line(
    table: PriceTable, key: str, service: Service, resource: Resource, what: str, quantity: float
) -> CostLine | Unpriced:
    price = table.price(key)
    if price is None:
        return Unpriced(resource.label, resource.resource_type, f"no price `{key}` in the table")
    return CostLine(service, resource.label, what, quantity, price.unit, price.cost(quantity))


def _standing(
    table: PriceTable,
    key: str,
    service: Service,
    resource: Resource,
    what: str,
    hours: float,
    units: float = 1,
) -> CostLine | Unpriced:
    """A charge per hour or per month, prorated for the window and projected per day."""
    price = table.price(key)
    if price is None:
        return Unpriced(resource.label, resource.resource_type, f"no price `{key}` in the table")
    per_hour = price.usd / price.per * units / (HOURS_PER_MONTH if "month" in price.unit else 1.0)
    return CostLine(
        service, resource.label, what, units * hours, "unit-hours", per_hour * hours, True, per_hour * 24
    )


def _collect(*items: CostLine | Unpriced) -> Priced:
    return [i for i in items if isinstance(i, CostLine)], [i for i in items if isinstance(i, Unpriced)]


def _no_data(resource: Resource, what: str) -> Unpriced:
    return Unpriced(resource.label, resource.resource_type, f"no usage data: {what}")


def _q(namespace: str, metric: str, stat: str = "Sum", **dimensions: str) -> MetricQuery:
    return MetricQuery(namespace, metric, tuple(sorted(dimensions.items())), stat)


# --- Lambda -----------------------------------------------------------------------------------------
def _lambda_queries(resource: Resource, facts: ResourceFacts) -> dict[str, MetricQuery]:
    name = resource.physical_id
    return {
        "invocations": _q("AWS/Lambda", "Invocations", FunctionName=name),
        "duration_ms": _q("AWS/Lambda", "Duration", FunctionName=name),
        "log_bytes": _q("AWS/Logs", "IncomingBytes", LogGroupName=f"/aws/lambda/{name}"),
    }


def _lambda_price(
    resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
) -> Priced:
    invocations, duration_ms = usage["invocations"], usage["duration_ms"]
    items: list[CostLine | Unpriced] = []
    if invocations is None or duration_ms is None:
        items.append(_no_data(resource, "AWS/Lambda Invocations/Duration"))
    else:
        items.append(_line(table, "lambda.requests", Service.LAMBDA, resource, "requests", invocations))
        if facts.memory_mb is None:
            items.append(
                Unpriced(resource.label, resource.resource_type, facts.problem or "memory size unknown")
            )
        else:
            gb_seconds = duration_ms / 1000 * facts.memory_mb / 1024
            key = f"lambda.gb_seconds.{facts.architecture}"
            items.append(
                _line(table, key, Service.LAMBDA, resource, f"compute ({facts.memory_mb} MB)", gb_seconds)
            )
    if "log_bytes" in usage:  # absent when the stack owns the log group: priced there instead
        log_bytes = usage["log_bytes"]
        if log_bytes is None:
            items.append(_no_data(resource, "log bytes ingested (AWS/Logs IncomingBytes)"))
        else:
            items.append(
                _line(table, "logs.ingested_gb", Service.LOGS, resource, "log ingestion", log_bytes / 1e9)
            )
    return _collect(*items)


# --- DynamoDB ---------------------------------------------------------------------------------------
def _dynamodb_queries(resource: Resource, facts: ResourceFacts) -> dict[str, MetricQuery]:
    queries = {
        "reads": _q("AWS/DynamoDB", "ConsumedReadCapacityUnits", TableName=resource.physical_id),
        "writes": _q("AWS/DynamoDB", "ConsumedWriteCapacityUnits", TableName=resource.physical_id),
    }
    for index in facts.index_names:
        dims = {"TableName": resource.physical_id, "GlobalSecondaryIndexName": index}
        queries[f"reads:{index}"] = _q("AWS/DynamoDB", "ConsumedReadCapacityUnits", **dims)
        queries[f"writes:{index}"] = _q("AWS/DynamoDB", "ConsumedWriteCapacityUnits", **dims)
    return queries


def _dynamodb_price(
    resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
) -> Priced:
    if facts.billing_mode == "PROVISIONED":
        return _collect(
            _standing(table, "dynamodb.provisioned_rcu_hours", Service.DYNAMODB, resource,
                      f"{facts.read_capacity} provisioned RCU", hours, facts.read_capacity),
            _standing(table, "dynamodb.provisioned_wcu_hours", Service.DYNAMODB, resource,
                      f"{facts.write_capacity} provisioned WCU", hours, facts.write_capacity),
        )  # fmt: skip
    if facts.billing_mode is None:
        return _collect(
            Unpriced(resource.label, resource.resource_type, facts.problem or "billing mode unknown")
        )
    reads = [value for key, value in usage.items() if key.startswith("reads")]
    writes = [value for key, value in usage.items() if key.startswith("writes")]
    if None in reads or None in writes:
        return _collect(_no_data(resource, "AWS/DynamoDB consumed capacity"))
    indexes = f" incl. {len(facts.index_names)} index(es)" if facts.index_names else ""
    return _collect(
        _line(table, "dynamodb.read_request_units", Service.DYNAMODB, resource, f"reads{indexes}",
              sum(v for v in reads if v is not None)),
        _line(table, "dynamodb.write_request_units", Service.DYNAMODB, resource, f"writes{indexes}",
              sum(v for v in writes if v is not None)),
    )  # fmt: skip


# --- messaging --------------------------------------------------------------------------------------
_SQS_REQUEST_METRICS = ("NumberOfMessagesSent", "NumberOfMessagesReceived", "NumberOfMessagesDeleted",
                        "NumberOfEmptyReceives")  # fmt: skip


def _sqs_queries(resource: Resource, facts: ResourceFacts) -> dict[str, MetricQuery]:
    queue_name = resource.physical_id.rstrip("/").rsplit("/", 1)[-1]
    return {metric: _q("AWS/SQS", metric, QueueName=queue_name) for metric in _SQS_REQUEST_METRICS}


def _sqs_price(
    resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
) -> Priced:
    values = list(usage.values())
    if None in values:
        return _collect(_no_data(resource, "AWS/SQS message counts"))
    key = "sqs.fifo_requests" if resource.physical_id.endswith(".fifo") else "sqs.standard_requests"
    # One request per message sent, received or deleted, plus empty receives: an upper bound, since
    # batched calls move up to 10 messages per request.
    return _collect(
        _line(table, key, Service.SQS, resource, "requests (upper bound)", sum(v or 0 for v in values))
    )


def _single_metric_meter(
    service: Service, namespace: str, metric: str, dimension: str, key: str, what: str,
    name_of: Callable[[Resource, ResourceFacts], str | None], per_metric_unit: float = 1.0,
) -> Meter:  # fmt: skip
    """One summed series priced by one key; `per_metric_unit` converts the metric's unit to the price's."""

    def queries(resource: Resource, facts: ResourceFacts) -> dict[str, MetricQuery]:
        name = name_of(resource, facts)
        return {} if name is None else {"count": _q(namespace, metric, **{dimension: name})}

    def price(
        resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
    ) -> Priced:
        if "count" not in usage:
            return _collect(Unpriced(resource.label, resource.resource_type, facts.problem or "name unknown"))
        count = usage["count"]
        if count is None:
            return _collect(_no_data(resource, f"{namespace} {metric}"))
        return _collect(_line(table, key, service, resource, what, count * per_metric_unit))

    return Meter(service, queries, price)


def _physical(resource: Resource, facts: ResourceFacts) -> str:
    return resource.physical_id


def _after_last_colon(resource: Resource, facts: ResourceFacts) -> str:
    return resource.physical_id.rsplit(":", 1)[-1]


def _rest_api_name(resource: Resource, facts: ResourceFacts) -> str | None:
    return facts.api_name


# --- storage ----------------------------------------------------------------------------------------
def _s3_queries(resource: Resource, facts: ResourceFacts) -> dict[str, MetricQuery]:
    dims = {"BucketName": resource.physical_id, "StorageType": "StandardStorage"}
    return {"bytes": _q("AWS/S3", "BucketSizeBytes", "Average", **dims)}


def _s3_price(
    resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
) -> Priced:
    requests = Unpriced(
        resource.label,
        resource.resource_type,
        "requests: S3 publishes request counts only when request metrics are enabled",
    )
    stored = usage["bytes"]
    if stored is None:
        return _collect(requests, _no_data(resource, "AWS/S3 BucketSizeBytes"))
    price = table.price("s3.storage_gb_months")
    if price is None:
        return _collect(requests, Unpriced(resource.label, resource.resource_type, "no price for S3 storage"))
    per_hour = stored / 1e9 * price.usd / price.per / HOURS_PER_MONTH
    line = CostLine(
        Service.S3, resource.label, "storage", stored / 1e9, "GB", per_hour * hours, False, per_hour * 24
    )
    return [line], [requests]


def _unmetered(reason: str) -> Callable[[Resource, ResourceFacts, Usage, PriceTable, float], Priced]:
    def price(
        resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
    ) -> Priced:
        return _collect(Unpriced(resource.label, resource.resource_type, reason))

    return price


def _standing_meter(service: Service, key: str, what: str) -> Meter:
    def price(
        resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
    ) -> Priced:
        return _collect(_standing(table, key, service, resource, what, hours))

    return Meter(service, lambda resource, facts: {}, price)


METERS: dict[str, Meter] = {
    "AWS::Lambda::Function": Meter(Service.LAMBDA, _lambda_queries, _lambda_price),
    "AWS::DynamoDB::Table": Meter(Service.DYNAMODB, _dynamodb_queries, _dynamodb_price),
    "AWS::SQS::Queue": Meter(Service.SQS, _sqs_queries, _sqs_price),
    "AWS::SNS::Topic": _single_metric_meter(
        Service.SNS,
        "AWS/SNS",
        "NumberOfMessagesPublished",
        "TopicName",
        "sns.publishes",
        "publishes",
        _after_last_colon,
    ),
    # PutEvents counts are account-wide; per bus only matched events exist (a floor on events published).
    "AWS::Events::EventBus": _single_metric_meter(
        Service.EVENTBRIDGE,
        "AWS/Events",
        "MatchedEvents",
        "EventBusName",
        "events.custom_events",
        "events matched on the bus (floor)",
        _physical,
    ),
    "AWS::ApiGateway::RestApi": _single_metric_meter(
        Service.API_GATEWAY,
        "AWS/ApiGateway",
        "Count",
        "ApiName",
        "apigateway.rest_requests",
        "requests",
        _rest_api_name,
    ),
    "AWS::ApiGatewayV2::Api": _single_metric_meter(
        Service.API_GATEWAY,
        "AWS/ApiGateway",
        "Count",
        "ApiId",
        "apigateway.http_requests",
        "requests",
        _physical,
    ),
    "AWS::Logs::LogGroup": _single_metric_meter(
        Service.LOGS,
        "AWS/Logs",
        "IncomingBytes",
        "LogGroupName",
        "logs.ingested_gb",
        "bytes ingested",
        _physical,
        per_metric_unit=1e-9,
    ),
    "AWS::S3::Bucket": Meter(Service.S3, _s3_queries, _s3_price),
    "AWS::StepFunctions::StateMachine": Meter(
        Service.STEP_FUNCTIONS,
        lambda r, f: {},
        _unmetered("state transitions are not published per state machine in CloudWatch"),
    ),
    "AWS::KMS::Key": _standing_meter(Service.KMS, "kms.key_months", "key"),
    "AWS::SecretsManager::Secret": _standing_meter(
        Service.SECRETS_MANAGER, "secretsmanager.secret_months", "secret"
    ),
    "AWS::EC2::NatGateway": _standing_meter(
        Service.VPC, "ec2.nat_gateway_hours", "NAT gateway (data not priced)"
    ),
    "AWS::EC2::EIP": _standing_meter(Service.VPC, "ec2.public_ipv4_hours", "public IPv4 address"),
    "AWS::CloudWatch::Alarm": _standing_meter(Service.CLOUDWATCH, "cloudwatch.alarm_months", "alarm"),
}
