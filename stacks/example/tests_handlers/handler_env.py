"""What the handler tests share: where the handler code lives and the local resources they run against."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"
SHIPPING_DIR = Path(__file__).resolve().parent.parent / "shipping"
LOW_STOCK_THRESHOLD = 5


@dataclass(frozen=True)
class LocalResources:
    inventory_table: str
    reservations_table: str
    bus_name: str
    downstream_queue_url: str
    alerts_queue_url: str
    topic_arn: str
    order_saga_arn: str


@dataclass(frozen=True)
class Handlers:
    reserve: ModuleType
    update_stock: ModuleType
    publisher: ModuleType
    seed_stock: ModuleType
    release: ModuleType
    payment: ModuleType
    reservations_api: ModuleType
    orders_api: ModuleType
