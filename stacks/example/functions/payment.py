"""The order saga's payment steps against a sandbox card gateway: `charge` and its compensation `refund`.

The sandbox answers like a card processor's test mode, deterministically per payment method and amount:
- `pm_card_visa` (or any other method): approved, up to MAX_AMOUNT_CENTS
- `pm_card_chargeDeclined`, or an amount above MAX_AMOUNT_CENTS: `PaymentDeclined` (final: the saga
  compensates)
- `pm_card_gatewayTimeout`: `PaymentGatewayTimeout` on the first attempt, approved on a retry (a transient
  error: the saga's Retry handles it)

Input of `charge`: {"order_id", "amount_cents": int >= 1, "payment_method", "attempt": $$.State.RetryCount}
Output: {"charge_id", "amount_cents", "status": "CHARGED"}. The charge id derives from the order id, the
idempotency key a real gateway is given, so a retried or redelivered charge is the same charge.
Input of `refund`: {"order_id", "charge_id"}; output {"refund_id", "charge_id", "status": "REFUNDED"}.
"""

from __future__ import annotations

import hashlib
from typing import Any

from command_input import required_int, required_text
from structured_log import StructuredLogger

MAX_AMOUNT_CENTS = 50_000
DECLINED_METHOD = "pm_card_chargeDeclined"
TIMEOUT_ONCE_METHOD = "pm_card_gatewayTimeout"

log = StructuredLogger("payment")


class PaymentDeclined(Exception):
    """The gateway refused the charge; retrying cannot help. The error name is what the saga catches."""


class PaymentGatewayTimeout(Exception):
    """The gateway did not answer in time; the same charge may be retried."""


def charge(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order_id = required_text(event, "order_id")
    amount_cents = required_int(event, "amount_cents", minimum=1)
    method = required_text(event, "payment_method")
    attempt = int(event.get("attempt") or 0)
    request_log = log.bind(order_id=order_id, payment_method=method, attempt=attempt)
    if method == TIMEOUT_ONCE_METHOD and attempt == 0:
        request_log.warning("gateway timed out")
        raise PaymentGatewayTimeout(f"the gateway did not answer for order {order_id}")
    if method == DECLINED_METHOD:
        request_log.warning("charge declined", decline_code="card_declined")
        raise PaymentDeclined(f"card declined for order {order_id}")
    if amount_cents > MAX_AMOUNT_CENTS:
        request_log.warning("charge declined", decline_code="amount_too_large")
        raise PaymentDeclined(f"{amount_cents} cents is above the {MAX_AMOUNT_CENTS} limit")
    charged = {"charge_id": _id("ch", order_id), "amount_cents": amount_cents, "status": "CHARGED"}
    request_log.info("charged", **charged)
    return charged


def refund(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order_id = required_text(event, "order_id")
    charge_id = required_text(event, "charge_id")
    refunded = {"refund_id": _id("re", order_id), "charge_id": charge_id, "status": "REFUNDED"}
    log.info("refunded", order_id=order_id, **refunded)
    return refunded


def _id(prefix: str, order_id: str) -> str:
    return f"{prefix}_{hashlib.sha256(order_id.encode()).hexdigest()[:24]}"
