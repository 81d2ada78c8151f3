"""One JSON object per log line, with bound fields (the correlation id) on every line of a request."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _json_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(f"inventory.{name}")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(_JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        # The Lambda runtime installs its own plain-text root handler: keep lines single and JSON.
        logger.propagate = False
    return logger


class StructuredLogger:
    """`log.bind(correlation_id=...)` returns a logger that adds those fields to every line."""

    def __init__(self, name: str, fields: dict[str, Any] | None = None) -> None:
        self._logger = _json_logger(name)
        self._name = name
        self._fields = dict(fields or {})

    def bind(self, **fields: Any) -> StructuredLogger:
        return StructuredLogger(self._name, {**self._fields, **fields})

    def info(self, message: str, **fields: Any) -> None:
        self._logger.info(message, extra={"fields": {**self._fields, **fields}})

    def warning(self, message: str, **fields: Any) -> None:
        self._logger.warning(message, extra={"fields": {**self._fields, **fields}})

    def exception(self, message: str, **fields: Any) -> None:
        self._logger.exception(message, extra={"fields": {**self._fields, **fields}})
