"""The deployed stack as the tests use it: its outputs, and its functions and tables behind one class."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class StackOutputs:
    """The stack's CfnOutputs the tests need, by their output keys (see stacks/example/README.md)."""

    InventoryTableName: str
    ReservationsTableName: str
    ReserveFunctionName: str
    UpdateStockFunctionName: str
    EventBusName: str
    DownstreamQueueUrl: str
    AlertsQueueUrl: str
    ReportsBucketName: str
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


class InventoryApi:
    def __init__(self, outputs: StackOutputs, lambda_client: Any, dynamodb_client: Any) -> None:
        self._outputs = outputs
        self._lambda = lambda_client
        self._dynamodb = dynamodb_client

    def reserve(self, **order: Any) -> dict[str, Any]:
        return self._invoke(self._outputs.ReserveFunctionName, order)

    def update_stock(self, sku: str, available: int, sequence: int) -> dict[str, Any]:
        payload = {"sku": sku, "available": available, "sequence": sequence}
        return self._invoke(self._outputs.UpdateStockFunctionName, payload)

    def new_sku(self, available: int) -> str:
        """A sku no other test (or shard) uses, stocked with `available` units."""
        sku = f"TEST-{uuid.uuid4().hex[:16]}"
        result = self.update_stock(sku, available, sequence=1)
        assert result["status"] == "APPLIED", result
        return sku

    def stock(self, sku: str) -> dict[str, int] | None:
        item = self._dynamodb.get_item(
            TableName=self._outputs.InventoryTableName, Key={"sku": {"S": sku}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return None
        return {"available": int(item["available"]["N"]), "sequence": int(item["sequence"]["N"])}

    def reservation(self, idempotency_key: str) -> dict[str, str] | None:
        item = self._dynamodb.get_item(
            TableName=self._outputs.ReservationsTableName,
            Key={"idempotency_key": {"S": idempotency_key}},
            ConsistentRead=True,
        ).get("Item")
        if item is None:
            return None
        return {name: next(iter(value.values())) for name, value in item.items()}

    def _invoke(self, function_name: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        response = self._lambda.invoke(FunctionName=function_name, Payload=json.dumps(payload).encode())
        body = response["Payload"].read().decode()
        if response.get("FunctionError"):
            raise AssertionError(f"{function_name} failed ({response['FunctionError']}): {body}")
        result: dict[str, Any] = json.loads(body)
        return result
