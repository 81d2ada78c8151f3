"""The deployed inventory stack as the tests use it, besides its HTTP API (api_client.py): its outputs,
its functions, tables and order saga behind one class, so each test reads as the story it checks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from runner.testing import StackContext


@dataclass(frozen=True)
class StackOutputs:
    """The stack's CfnOutputs the tests need, by their output keys (see stacks/example/README.md)."""

    ApiUrl: str
    OrderSagaArn: str
    InventoryTableName: str
    ReservationsTableName: str
    ReserveFunctionName: str
    UpdateStockFunctionName: str
    EventBusName: str
    DownstreamQueueUrl: str
    AlertsQueueUrl: str
    LabelsBucketName: str
    LowStockThreshold: str
    InitialStock: str

    @classmethod
    def from_mapping(cls, outputs: Mapping[str, str]) -> StackOutputs:
        missing = [field.name for field in fields(cls) if field.name not in outputs]
        if missing:
            raise KeyError(f"stack outputs lack {', '.join(missing)}; got {', '.join(sorted(outputs))}")
        return cls(**{field.name: str(outputs[field.name]) for field in fields(cls)})

    @property
    def low_stock_threshold(self) -> int:
        return int(self.LowStockThreshold)

    @property
    def initial_stock(self) -> dict[str, int]:
        return {sku: int(units) for sku, units in json.loads(self.InitialStock).items()}


class FunctionFailed(AssertionError):
    """The function raised instead of answering (Lambda's FunctionError)."""


class InventoryApi:
    """Reserve and UpdateStock invoked directly, ReserveStock commands put on the bus, consistent reads of
    the tables, the saga's executions and the stored shipping labels. Thread-safe (boto3 clients are), so
    tests may call it from several threads."""

    def __init__(self, stack: StackContext) -> None:
        self.outputs = StackOutputs.from_mapping(stack.outputs)
        self._lambda = stack.client("lambda")
        self._dynamodb = stack.client("dynamodb")
        self._events = stack.client("events")
        self._stepfunctions = stack.client("stepfunctions")
        self._s3 = stack.client("s3")

    def reserve(self, order: Mapping[str, Any]) -> dict[str, Any]:
        return self._invoke(self.outputs.ReserveFunctionName, order)

    def update_stock(self, level: Mapping[str, Any]) -> dict[str, Any]:
        return self._invoke(self.outputs.UpdateStockFunctionName, level)

    def stocked_sku(self, isolation_key: str, available: int) -> str:
        """A sku only this test uses, stocked with `available` units (sequence 1)."""
        sku = f"SKU-{isolation_key}"
        result = self.update_stock({"sku": sku, "available": available, "sequence": 1})
        assert result["status"] == "APPLIED", result
        return sku

    def send_command(self, detail_type: str, detail: Mapping[str, Any]) -> None:
        sent = self._events.put_events(
            Entries=[
                {
                    "EventBusName": self.outputs.EventBusName,
                    "Source": "shop.checkout",
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail),
                }
            ]
        )
        assert sent["FailedEntryCount"] == 0, sent

    def stock(self, sku: str) -> dict[str, int] | None:
        """`{"available", "sequence"}` of `sku`, or None when the table has no such sku."""
        item = self._get(self.outputs.InventoryTableName, {"sku": {"S": sku}})
        if item is None:
            return None
        return {"available": int(item["available"]["N"]), "sequence": int(item["sequence"]["N"])}

    def available(self, sku: str) -> int:
        level = self.stock(sku)
        assert level is not None, f"{sku} is not in the Inventory table"
        return level["available"]

    def reservation(self, idempotency_key: str) -> dict[str, str] | None:
        """The stored reservation (attribute values as strings), or None."""
        item = self._get(self.outputs.ReservationsTableName, {"idempotency_key": {"S": idempotency_key}})
        if item is None:
            return None
        return {name: next(iter(value.values())) for name, value in item.items()}

    def saga_executions(self, order_id: str) -> list[str]:
        """The ARNs of the order saga's executions for `order_id` (one, when ordering is idempotent)."""
        paginator = self._stepfunctions.get_paginator("list_executions")
        return [
            execution["executionArn"]
            for page in paginator.paginate(stateMachineArn=self.outputs.OrderSagaArn)
            for execution in page["executions"]
            if execution["name"] == order_id
        ]

    def saga_steps(self, order_id: str) -> list[str]:
        """The states the order's execution entered, in order (a retried state appears once)."""
        [execution_arn] = self.saga_executions(order_id)
        paginator = self._stepfunctions.get_paginator("get_execution_history")
        return [
            event["stateEnteredEventDetails"]["name"]
            for page in paginator.paginate(executionArn=execution_arn)
            for event in page["events"]
            if "stateEnteredEventDetails" in event
        ]

    def label(self, key: str) -> dict[str, Any]:
        """A shipping label the Ship step stored in the Labels bucket."""
        body = self._s3.get_object(Bucket=self.outputs.LabelsBucketName, Key=key)["Body"].read()
        label: dict[str, Any] = json.loads(body)
        return label

    def _get(self, table_name: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self._dynamodb.get_item(
            TableName=table_name, Key=key, ConsistentRead=True
        ).get("Item")
        return item

    def _invoke(self, function_name: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        response = self._lambda.invoke(FunctionName=function_name, Payload=json.dumps(payload).encode())
        body = response["Payload"].read().decode()
        if response.get("FunctionError"):
            raise FunctionFailed(f"{function_name} failed ({response['FunctionError']}): {body}")
        result: dict[str, Any] = json.loads(body)
        return result
