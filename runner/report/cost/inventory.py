"""The PR stacks' resources and the configuration their prices depend on, read from the services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from runner.report.cost.model import Resource, ResourceFacts

_GONE = ("DELETE_COMPLETE", "DELETE_IN_PROGRESS", "CREATE_FAILED")


class StackInventory:
    def __init__(
        self,
        cloudformation: Any,
        lambda_client: Any,
        dynamodb: Any,
        apigateway: Any,
        *,
        read_provisioned_concurrency: bool = True,
    ) -> None:
        self._cloudformation = cloudformation
        self._lambda = lambda_client
        self._dynamodb = dynamodb
        self._apigateway = apigateway
        # The local endpoint has no provisioned concurrency API (and nothing could configure it).
        self._read_provisioned = read_provisioned_concurrency

    def created_at(self, stack_names: tuple[str, ...]) -> datetime | None:
        """The earliest creation time among the stacks that still exist."""
        times: list[datetime] = []
        for name in stack_names:
            try:
                stacks = self._cloudformation.describe_stacks(StackName=name).get("Stacks", [])
            except ClientError:
                continue
            times.extend(stack["CreationTime"] for stack in stacks if "CreationTime" in stack)
        return min(times) if times else None

    def resources(self, stack_names: tuple[str, ...]) -> list[Resource]:
        found: list[Resource] = []
        for stack in stack_names:
            try:
                pages = self._cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack)
                summaries = [item for page in pages for item in page.get("StackResourceSummaries", [])]
            except ClientError:
                continue
            found.extend(
                Resource(
                    stack, item["LogicalResourceId"], item.get("PhysicalResourceId", ""), item["ResourceType"]
                )
                for item in summaries
                if item.get("ResourceStatus") not in _GONE and item.get("PhysicalResourceId")
            )
        return found

    def facts(self, resource: Resource) -> ResourceFacts:
        try:
            if resource.resource_type == "AWS::Lambda::Function":
                return self._lambda_facts(resource.physical_id)
            if resource.resource_type == "AWS::DynamoDB::Table":
                return self._table_facts(resource.physical_id)
            if resource.resource_type == "AWS::ApiGateway::RestApi":
                api = self._apigateway.get_rest_api(restApiId=resource.physical_id)
                return ResourceFacts(api_name=api.get("name"))
        except (ClientError, BotoCoreError) as error:
            return ResourceFacts(problem=f"could not read its configuration: {error}")
        return ResourceFacts()

    def _lambda_facts(self, name: str) -> ResourceFacts:
        config = self._lambda.get_function_configuration(FunctionName=name)
        architectures = config.get("Architectures") or ["x86_64"]
        provisioned: int | None = 0
        problem = None
        if self._read_provisioned:
            try:
                provisioned = self._provisioned_concurrency(name)
            except ClientError as error:
                # Only this part goes unpriced: requests and compute are still known.
                provisioned, problem = None, f"provisioned concurrency could not be read: {error}"
        return ResourceFacts(
            memory_mb=int(config.get("MemorySize", 128)),
            architecture=architectures[0],
            provisioned_concurrency=provisioned,
            log_group=(config.get("LoggingConfig") or {}).get("LogGroup"),
            problem=problem,
        )

    def _provisioned_concurrency(self, name: str) -> int:
        paginator = self._lambda.get_paginator("list_provisioned_concurrency_configs")
        return sum(
            int(item.get("AllocatedProvisionedConcurrentExecutions") or 0)
            for page in paginator.paginate(FunctionName=name)
            for item in page.get("ProvisionedConcurrencyConfigs", [])
        )

    def _table_facts(self, name: str) -> ResourceFacts:
        table = self._dynamodb.describe_table(TableName=name)["Table"]
        mode = (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
        throughput = table.get("ProvisionedThroughput") or {}
        indexes = table.get("GlobalSecondaryIndexes") or []
        read = int(throughput.get("ReadCapacityUnits", 0))
        write = int(throughput.get("WriteCapacityUnits", 0))
        for index in indexes:
            index_throughput = index.get("ProvisionedThroughput") or {}
            read += int(index_throughput.get("ReadCapacityUnits", 0))
            write += int(index_throughput.get("WriteCapacityUnits", 0))
        return ResourceFacts(
            billing_mode=mode,
            index_names=tuple(index["IndexName"] for index in indexes),
            read_capacity=read,
            write_capacity=write,
        )
