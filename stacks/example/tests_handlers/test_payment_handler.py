"""The sandbox payment steps: deterministic approvals and declines, a transient timeout, stable ids."""

from __future__ import annotations

import pytest
from handler_env import Handlers


def _charge(**overrides: object) -> dict[str, object]:
    return {
        "order_id": "ord-1",
        "amount_cents": 1_200,
        "payment_method": "pm_card_visa",
        "attempt": 0,
        **overrides,
    }


def test_a_charge_is_approved_with_an_id_that_is_the_same_on_every_retry(handlers: Handlers) -> None:
    first = handlers.payment.charge(_charge(), None)

    assert first == handlers.payment.charge(_charge(attempt=1), None)
    assert (first["status"], first["amount_cents"]) == ("CHARGED", 1_200)
    assert str(first["charge_id"]).startswith("ch_")


@pytest.mark.parametrize(
    "charge",
    [_charge(payment_method="pm_card_chargeDeclined"), _charge(amount_cents=50_001)],
    ids=["card", "amount"],
)
def test_a_declined_card_or_too_large_amount_raises_payment_declined(
    handlers: Handlers, charge: dict[str, object]
) -> None:
    with pytest.raises(handlers.payment.PaymentDeclined):
        handlers.payment.charge(charge, None)


def test_the_timeout_card_fails_its_first_attempt_only(handlers: Handlers) -> None:
    with pytest.raises(handlers.payment.PaymentGatewayTimeout):
        handlers.payment.charge(_charge(payment_method="pm_card_gatewayTimeout"), None)

    assert (
        handlers.payment.charge(_charge(payment_method="pm_card_gatewayTimeout", attempt=1), None)["status"]
        == "CHARGED"
    )


def test_a_refund_names_the_charge_it_reverses(handlers: Handlers) -> None:
    charged = handlers.payment.charge(_charge(), None)

    refunded = handlers.payment.refund({"order_id": "ord-1", "charge_id": charged["charge_id"]}, None)

    assert refunded["status"] == "REFUNDED"
    assert refunded["charge_id"] == charged["charge_id"]
