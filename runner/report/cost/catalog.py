"""How each CloudFormation resource type is metered and priced (pure: no I/O).

A meter names the CloudWatch series it needs and turns their sums into priced lines. A series whose
value is None had no data source (e.g. the local endpoint publishes only AWS/Lambda): the resource
is listed as not priced, never counted as zero. Types in FREE cost nothing by themselves (their use
is billed on another resource, e.g. a rule's events on the bus); any other type is listed unpriced.
"""

from __future__ import annotations

from runner.report.cost.metering import (
    Meter,
    Priced,
    Usage,
    after_last_colon,
    collect,
    no_data,
    physical_name,
    priced_line,
    query,
    rest_api_name,
    single_metric_meter,
    standing_charge,
    standing_meter,
    unmetered,
)
from runner.report.cost.model import CostLine, MetricQuery, Resource, ResourceFacts, Service, Unpriced
from runner.report.cost.prices import HOURS_PER_MONTH, PriceTable

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


# --- Lambda -----------------------------------------------------------------------------------------
def _lambda_queries(resource: Resource, facts: ResourceFacts) -> dict[str, MetricQuery]:
    name = resource.physical_id
    return {
        "invocations": query("AWS/Lambda", "Invocations", FunctionName=name),
        "duration_ms": query("AWS/Lambda", "Duration", FunctionName=name),
        # Where the function logs: its own group (CDK's `logGroup`) when it names one.
        "log_bytes": query(
            "AWS/Logs", "IncomingBytes", LogGroupName=facts.log_group or f"/aws/lambda/{name}"
        ),
    }


def _lambda_price(
    resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
) -> Priced:
    invocations, duration_ms = usage["invocations"], usage["duration_ms"]
    items: list[CostLine | Unpriced] = []
    if invocations is None or duration_ms is None:
        items.append(no_data(resource, "AWS/Lambda Invocations/Duration"))
    else:
        items.append(priced_line(table, "lambda.requests", Service.LAMBDA, resource, "requests", invocations))
        if facts.memory_mb is None:
            items.append(
                Unpriced(resource.label, resource.resource_type, facts.problem or "memory size unknown")
            )
        else:
            gb_seconds = duration_ms / 1000 * facts.memory_mb / 1024
            key = f"lambda.gb_seconds.{facts.architecture}"
            items.append(
                priced_line(
                    table, key, Service.LAMBDA, resource, f"compute ({facts.memory_mb} MB)", gb_seconds
                )
            )
    if facts.provisioned_concurrency is None:
        items.append(
            Unpriced(resource.label, resource.resource_type, facts.problem or "provisioned concurrency")
        )
    elif facts.provisioned_concurrency and facts.memory_mb is not None:
        items.append(_provisioned(resource, facts, table, hours))
    if "log_bytes" in usage:  # absent when the stack owns the log group: priced there instead
        log_bytes = usage["log_bytes"]
        if log_bytes is None:
            items.append(no_data(resource, "log bytes ingested (AWS/Logs IncomingBytes)"))
        else:
            items.append(
                priced_line(
                    table, "logs.ingested_gb", Service.LOGS, resource, "log ingestion", log_bytes / 1e9
                )
            )
    return collect(*items)


def _provisioned(
    resource: Resource, facts: ResourceFacts, table: PriceTable, hours: float
) -> CostLine | Unpriced:
    """Provisioned concurrency bills its memory every second it is configured, used or not."""
    key = f"lambda.provisioned_gb_seconds.{facts.architecture}"
    price = table.price(key)
    if price is None or facts.memory_mb is None or facts.provisioned_concurrency is None:
        return Unpriced(resource.label, resource.resource_type, f"provisioned concurrency: no price `{key}`")
    gigabytes = facts.provisioned_concurrency * facts.memory_mb / 1024
    per_hour = price.cost(gigabytes * 3600)
    what = f"{facts.provisioned_concurrency} provisioned concurrency (invocations priced on demand)"
    quantity = gigabytes * 3600 * hours
    return CostLine(
        Service.LAMBDA, resource.label, what, quantity, price.unit, per_hour * hours, True, per_hour * 24
    )


# --- DynamoDB ---------------------------------------------------------------------------------------
def _dynamodb_queries(resource: Resource, facts: ResourceFacts) -> dict[str, MetricQuery]:
    queries = {
        "reads": query("AWS/DynamoDB", "ConsumedReadCapacityUnits", TableName=resource.physical_id),
        "writes": query("AWS/DynamoDB", "ConsumedWriteCapacityUnits", TableName=resource.physical_id),
    }
    for index in facts.index_names:
        dims = {"TableName": resource.physical_id, "GlobalSecondaryIndexName": index}
        queries[f"reads:{index}"] = query("AWS/DynamoDB", "ConsumedReadCapacityUnits", **dims)
        queries[f"writes:{index}"] = query("AWS/DynamoDB", "ConsumedWriteCapacityUnits", **dims)
    return queries


def _dynamodb_price(
    resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
) -> Priced:
    if facts.billing_mode == "PROVISIONED":
        return collect(
            standing_charge(table, "dynamodb.provisioned_rcu_hours", Service.DYNAMODB, resource,
                      f"{facts.read_capacity} provisioned RCU", hours, facts.read_capacity),
            standing_charge(table, "dynamodb.provisioned_wcu_hours", Service.DYNAMODB, resource,
                      f"{facts.write_capacity} provisioned WCU", hours, facts.write_capacity),
        )  # fmt: skip
    if facts.billing_mode is None:
        return collect(
            Unpriced(resource.label, resource.resource_type, facts.problem or "billing mode unknown")
        )
    reads = [value for key, value in usage.items() if key.startswith("reads")]
    writes = [value for key, value in usage.items() if key.startswith("writes")]
    if None in reads or None in writes:
        return collect(no_data(resource, "AWS/DynamoDB consumed capacity"))
    indexes = f" incl. {len(facts.index_names)} index(es)" if facts.index_names else ""
    return collect(
        priced_line(table, "dynamodb.read_request_units", Service.DYNAMODB, resource, f"reads{indexes}",
              sum(v for v in reads if v is not None)),
        priced_line(table, "dynamodb.write_request_units", Service.DYNAMODB, resource, f"writes{indexes}",
              sum(v for v in writes if v is not None)),
    )  # fmt: skip


# --- messaging --------------------------------------------------------------------------------------
_SQS_REQUEST_METRICS = ("NumberOfMessagesSent", "NumberOfMessagesReceived", "NumberOfMessagesDeleted",
                        "NumberOfEmptyReceives")  # fmt: skip


def _sqs_queries(resource: Resource, facts: ResourceFacts) -> dict[str, MetricQuery]:
    queue_name = resource.physical_id.rstrip("/").rsplit("/", 1)[-1]
    return {metric: query("AWS/SQS", metric, QueueName=queue_name) for metric in _SQS_REQUEST_METRICS}


def _sqs_price(
    resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
) -> Priced:
    values = list(usage.values())
    if None in values:
        return collect(no_data(resource, "AWS/SQS message counts"))
    key = "sqs.fifo_requests" if resource.physical_id.endswith(".fifo") else "sqs.standard_requests"
    # One request per message sent, received or deleted, plus empty receives: an upper bound, since
    # batched calls move up to 10 messages per request.
    return collect(
        priced_line(table, key, Service.SQS, resource, "requests (upper bound)", sum(v or 0 for v in values))
    )


# --- storage ----------------------------------------------------------------------------------------
def _s3_queries(resource: Resource, facts: ResourceFacts) -> dict[str, MetricQuery]:
    dims = {"BucketName": resource.physical_id, "StorageType": "StandardStorage"}
    return {"bytes": query("AWS/S3", "BucketSizeBytes", "Average", **dims)}


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
        return collect(requests, no_data(resource, "AWS/S3 BucketSizeBytes"))
    price = table.price("s3.storage_gb_months")
    if price is None:
        return collect(requests, Unpriced(resource.label, resource.resource_type, "no price for S3 storage"))
    per_hour = stored / 1e9 * price.usd / price.per / HOURS_PER_MONTH
    storage = CostLine(
        Service.S3, resource.label, "storage", stored / 1e9, "GB", per_hour * hours, False, per_hour * 24
    )
    return [storage], [requests]


METERS: dict[str, Meter] = {
    "AWS::Lambda::Function": Meter(Service.LAMBDA, _lambda_queries, _lambda_price),
    "AWS::DynamoDB::Table": Meter(Service.DYNAMODB, _dynamodb_queries, _dynamodb_price),
    "AWS::SQS::Queue": Meter(Service.SQS, _sqs_queries, _sqs_price),
    "AWS::SNS::Topic": single_metric_meter(
        Service.SNS,
        "AWS/SNS",
        "NumberOfMessagesPublished",
        "TopicName",
        "sns.publishes",
        "publishes",
        after_last_colon,
    ),
    # PutEvents counts are account-wide; per bus only matched events exist (a floor on events published).
    "AWS::Events::EventBus": single_metric_meter(
        Service.EVENTBRIDGE,
        "AWS/Events",
        "MatchedEvents",
        "EventBusName",
        "events.custom_events",
        "events matched on the bus (floor)",
        physical_name,
    ),
    "AWS::ApiGateway::RestApi": single_metric_meter(
        Service.API_GATEWAY,
        "AWS/ApiGateway",
        "Count",
        "ApiName",
        "apigateway.rest_requests",
        "requests",
        rest_api_name,
    ),
    "AWS::ApiGatewayV2::Api": single_metric_meter(
        Service.API_GATEWAY,
        "AWS/ApiGateway",
        "Count",
        "ApiId",
        "apigateway.http_requests",
        "requests",
        physical_name,
    ),
    "AWS::Logs::LogGroup": single_metric_meter(
        Service.LOGS,
        "AWS/Logs",
        "IncomingBytes",
        "LogGroupName",
        "logs.ingested_gb",
        "bytes ingested",
        physical_name,
        per_metric_unit=1e-9,
    ),
    "AWS::S3::Bucket": Meter(Service.S3, _s3_queries, _s3_price),
    "AWS::StepFunctions::StateMachine": Meter(
        Service.STEP_FUNCTIONS,
        lambda r, f: {},
        unmetered("state transitions are not published per state machine in CloudWatch"),
    ),
    "AWS::KMS::Key": standing_meter(Service.KMS, "kms.key_months", "key"),
    "AWS::SecretsManager::Secret": standing_meter(
        Service.SECRETS_MANAGER, "secretsmanager.secret_months", "secret"
    ),
    "AWS::EC2::NatGateway": standing_meter(
        Service.VPC, "ec2.nat_gateway_hours", "NAT gateway (data not priced)"
    ),
    "AWS::EC2::EIP": standing_meter(Service.VPC, "ec2.public_ipv4_hours", "public IPv4 address"),
    "AWS::CloudWatch::Alarm": standing_meter(Service.CLOUDWATCH, "cloudwatch.alarm_months", "alarm"),
}
