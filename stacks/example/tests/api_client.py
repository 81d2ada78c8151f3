"""The app's REST API as the tests call it: plain HTTP (urllib), the URL from the stack's `ApiUrl` output."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runner.testing import eventually

REQUEST_TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: dict[str, Any]


class InventoryHttpApi:
    """POST/GET against the stage URL; every answer (2xx or not) comes back as an ApiResponse."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def request(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiResponse:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                return ApiResponse(response.status, json.loads(response.read() or b"{}"))
        except urllib.error.HTTPError as error:
            return ApiResponse(error.code, json.loads(error.read() or b"{}"))

    def reserve(self, key: str, order: Mapping[str, Any], correlation_id: str | None = None) -> ApiResponse:
        return self.request("POST", "/reservations", order, _headers(key, correlation_id))

    def reservation(self, key: str) -> ApiResponse:
        return self.request("GET", f"/reservations/{key}")

    def stock(self, sku: str) -> ApiResponse:
        return self.request("GET", f"/stock/{sku}")

    def available(self, sku: str) -> int:
        level = self.stock(sku)
        assert level.status == 200, level
        return int(level.body["available"])

    def place_order(
        self, key: str, order: Mapping[str, Any], correlation_id: str | None = None
    ) -> ApiResponse:
        return self.request("POST", "/orders", order, _headers(key, correlation_id))

    def order(self, order_id: str) -> ApiResponse:
        return self.request("GET", f"/orders/{order_id}")

    def outcome(self, order_id: str, timeout: float = 60) -> dict[str, Any]:
        """The order once its saga has finished (SHIPPED or CANCELLED), polled with backoff."""
        finished = eventually(
            lambda: self.order(order_id),
            until=lambda answer: answer.status == 200 and answer.body["status"] != "IN_PROGRESS",
            timeout=timeout,
            description=f"the saga of {order_id} to finish",
        )
        return finished.body


def _headers(key: str, correlation_id: str | None) -> dict[str, str]:
    headers = {"Idempotency-Key": key}
    if correlation_id:
        headers["X-Correlation-Id"] = correlation_id
    return headers
