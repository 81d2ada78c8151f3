"""The dated unit-price table (runner/report/cost/prices.json): what each unit of usage costs, and where
that figure was published. Free tiers are never subtracted: a PR environment should not look free
because the account happens to be new."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.errors import ConfigError

DEFAULT_TABLE = Path(__file__).with_name("prices.json")
TABLE_VERSION = 1
HOURS_PER_MONTH = 730.0  # AWS bills "per month" charges over 730 hours


@dataclass(frozen=True)
class Price:
    """`usd` for every `per` units of `unit`."""

    key: str
    usd: float
    per: float
    unit: str
    source: str

    def cost(self, quantity: float) -> float:
        return quantity * self.usd / self.per


@dataclass(frozen=True)
class PriceTable:
    region: str
    currency: str
    as_of: str
    prices: Mapping[str, Price]
    note: str = ""

    def price(self, key: str) -> Price | None:
        return self.prices.get(key)

    @classmethod
    def load(cls, path: Path | None = None) -> PriceTable:
        table_path = path or DEFAULT_TABLE
        try:
            payload = json.loads(table_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ConfigError(f"price table {table_path} is unreadable: {error}") from error
        return cls.from_payload(payload, str(table_path))

    @classmethod
    def from_payload(cls, payload: Any, origin: str = "price table") -> PriceTable:
        if not isinstance(payload, dict) or payload.get("version") != TABLE_VERSION:
            raise ConfigError(f"{origin} has an unknown format (expected version {TABLE_VERSION})")
        try:
            prices = {
                key: Price(
                    key, float(item["usd"]), float(item["per"]), str(item["unit"]), str(item["source"])
                )
                for key, item in payload["prices"].items()
            }
            return cls(
                region=str(payload["region"]),
                currency=str(payload["currency"]),
                as_of=str(payload["as_of"]),
                prices=prices,
                note=str(payload.get("note", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ConfigError(f"{origin} is missing or has a bad field: {error}") from error

    def to_payload(self) -> dict[str, Any]:
        return {
            "version": TABLE_VERSION,
            "region": self.region,
            "currency": self.currency,
            "as_of": self.as_of,
            "note": self.note,
            "prices": {
                key: {"usd": price.usd, "per": price.per, "unit": price.unit, "source": price.source}
                for key, price in sorted(self.prices.items())
            },
        }

    def write(self, path: Path) -> None:
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(self.to_payload(), indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)
