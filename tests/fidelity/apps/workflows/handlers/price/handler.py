"""Sums an order's line totals. The pricing service is flaky: the first attempt of each order fails
with TransientError (the workflow retries it); an unknown SKU raises PriceUnavailable."""

import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)


class TransientError(Exception):
    pass


class PriceUnavailable(Exception):
    pass


def price(event, context):
    attempt = int(event["attempt"])
    if any(line["sku"] == "unknown" for line in event["lines"]):
        raise PriceUnavailable("no price for sku unknown")
    if attempt == 0:
        logger.info("pricing service busy, failing attempt %d", attempt)
        raise TransientError("pricing service busy")
    total = sum(line["total"] for line in event["lines"])
    logger.info("priced %d lines at %s", len(event["lines"]), total)
    return {"total": total, "attempts": attempt + 1}
