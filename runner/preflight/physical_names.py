"""Name properties AWS keeps unique, per account and region unless noted, with each service's limit.

Left out on purpose, because AWS lets two resources share them: API Gateway REST and HTTP API
names, Cognito user pool names, AppSync API names, inline IAM policy names (unique per role),
Lambda alias and API stage names (unique per function / API), Lambda layer names (a new version).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NameRule:
    resource_type: str
    name_property: str
    max_length: int
    cdk_property: str  # what to leave out or change in the CDK construct
    scope_property: str = ""  # unique only inside this parent (a rule inside its event bus)
    scope: str = "account and region"


ACCOUNT = "the account"
RULES: tuple[NameRule, ...] = (
    NameRule("AWS::S3::Bucket", "BucketName", 63, "bucket_name", scope="all of AWS"),
    NameRule("AWS::DynamoDB::Table", "TableName", 255, "table_name"),
    NameRule("AWS::DynamoDB::GlobalTable", "TableName", 255, "table_name"),
    NameRule("AWS::Lambda::Function", "FunctionName", 64, "function_name"),
    NameRule("AWS::SQS::Queue", "QueueName", 80, "queue_name"),
    NameRule("AWS::SNS::Topic", "TopicName", 256, "topic_name"),
    NameRule("AWS::IAM::Role", "RoleName", 64, "role_name", scope=ACCOUNT),
    NameRule("AWS::IAM::ManagedPolicy", "ManagedPolicyName", 128, "managed_policy_name", scope=ACCOUNT),
    NameRule("AWS::IAM::User", "UserName", 64, "user_name", scope=ACCOUNT),
    NameRule("AWS::IAM::Group", "GroupName", 128, "group_name", scope=ACCOUNT),
    NameRule("AWS::IAM::InstanceProfile", "InstanceProfileName", 128, "instance_profile_name", "", ACCOUNT),
    NameRule("AWS::Logs::LogGroup", "LogGroupName", 512, "log_group_name"),
    NameRule("AWS::StepFunctions::StateMachine", "StateMachineName", 80, "state_machine_name"),
    NameRule("AWS::StepFunctions::Activity", "Name", 80, "activity_name"),
    NameRule("AWS::Events::EventBus", "Name", 256, "event_bus_name"),
    NameRule("AWS::Events::Rule", "Name", 64, "rule_name", "EventBusName", "its event bus"),
    NameRule("AWS::Events::Archive", "ArchiveName", 48, "archive_name"),
    NameRule("AWS::Events::Connection", "Name", 64, "connection_name"),
    NameRule("AWS::Events::ApiDestination", "Name", 64, "api_destination_name"),
    NameRule("AWS::Scheduler::Schedule", "Name", 64, "schedule_name", "GroupName", "its group"),
    NameRule("AWS::Scheduler::ScheduleGroup", "Name", 64, "schedule_group_name"),
    NameRule("AWS::Pipes::Pipe", "Name", 64, "pipe_name"),
    NameRule("AWS::SSM::Parameter", "Name", 2048, "parameter_name"),
    NameRule("AWS::SecretsManager::Secret", "Name", 512, "secret_name"),
    NameRule("AWS::KMS::Alias", "AliasName", 256, "alias_name"),
    NameRule("AWS::Kinesis::Stream", "Name", 128, "stream_name"),
    NameRule("AWS::KinesisFirehose::DeliveryStream", "DeliveryStreamName", 64, "delivery_stream_name"),
    NameRule("AWS::ECR::Repository", "RepositoryName", 256, "repository_name"),
    NameRule("AWS::CloudWatch::Alarm", "AlarmName", 255, "alarm_name"),
    NameRule("AWS::CloudWatch::Dashboard", "DashboardName", 255, "dashboard_name"),
    NameRule("AWS::Cognito::UserPoolDomain", "Domain", 63, "domain_prefix", scope="the region"),
    NameRule("AWS::ApiGateway::DomainName", "DomainName", 253, "domain_name"),
    NameRule("AWS::ECS::Cluster", "ClusterName", 255, "cluster_name"),
)

RULES_BY_TYPE: dict[str, tuple[NameRule, ...]] = {}
for _rule in RULES:
    RULES_BY_TYPE[_rule.resource_type] = (*RULES_BY_TYPE.get(_rule.resource_type, ()), _rule)
