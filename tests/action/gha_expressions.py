"""GitHub Actions `${{ }}` expressions, evaluated the way the runner does: contexts (inputs, env, github,
runner, steps, ...), `==`, `!=`, `&&`, `||`, `!`, parentheses, literals, GitHub's loose equality,
fromJSON/toJSON/format and the status functions success()/always()/failure()/cancelled(); a step's
`if:` with its implicit `success() &&`. Anything else is an ExpressionError, so a test fails instead
of pretending.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||[!()\[\],.])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)


class ExpressionError(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ExpressionError(f"cannot read expression {text!r} at {position}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


def truthy(value: Any) -> bool:
    return value not in (None, False, 0, "") and not (isinstance(value, float) and value == 0)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value) if str(value).strip() else 0.0
    except ValueError:
        return float("nan")


def _equal(left: Any, right: Any) -> bool:
    """GitHub's loose equality: strings compare case-insensitively, mixed types as numbers."""
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if type(left) is type(right):
        return bool(left == right)
    return _number(left) == _number(right)


class _Parser:
    def __init__(self, text: str, contexts: dict[str, Any], status: dict[str, bool]) -> None:
        self.tokens = _tokens(text)
        self.index = 0
        self.contexts = contexts
        self.status = status

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise ExpressionError(f"expected {value!r}, got {token!r}")
        self.index += 1
        return token

    def parse(self) -> Any:
        value = self.either()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()!r}")
        return value

    def either(self) -> Any:
        return self._chain("||", self.both, lambda left, right: left if truthy(left) else right)

    def both(self) -> Any:
        return self._chain("&&", self.compare, lambda left, right: right if truthy(left) else left)

    def _chain(self, operator: str, operand: Callable[[], Any], combine: Callable[[Any, Any], Any]) -> Any:
        """`operand (operator operand)*`, left to right; `combine` picks which operand's value the
        whole takes (`||` and `&&` return one of their operands, not a boolean)."""
        value = operand()
        while self.peek() == ("op", operator):
            self.take()
            value = combine(value, operand())
        return value

    def compare(self) -> Any:
        value = self.unary()
        token = self.peek()
        if token in (("op", "=="), ("op", "!=")):
            self.take()
            equal = _equal(value, self.unary())
            return equal if token == ("op", "==") else not equal
        return value

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, value = self.take()
        if (kind, value) == ("op", "("):
            inner = self.either()
            self.take(")")
            return inner
        if kind == "string":
            return value[1:-1].replace("''", "'")
        if kind == "number":
            return float(value) if "." in value else int(value)
        if kind != "name":
            raise ExpressionError(f"unexpected {value!r}")
        if value in ("true", "false"):
            return value == "true"
        if value == "null":
            return None
        if self.peek() == ("op", "("):
            return self.call(value)
        if value not in self.contexts:
            raise ExpressionError(f"unknown context {value!r}")
        current: Any = self.contexts[value]
        while self.peek() in (("op", "."), ("op", "[")):
            if self.take()[1] == ".":
                key = self.take()[1]
            else:
                key = as_text(self.either())
                self.take("]")
            current = current.get(key) if isinstance(current, dict) else None
        return current

    def call(self, name: str) -> Any:
        self.take("(")
        arguments: list[Any] = []
        while self.peek() != ("op", ")"):
            arguments.append(self.either())
            if self.peek() == ("op", ","):
                self.take()
        self.take(")")
        if name == "fromJSON":
            return json.loads(as_text(arguments[0]))
        if name == "toJSON":
            return json.dumps(arguments[0])
        if name == "format":
            return re.sub(
                r"\{(\d+)\}", lambda m: as_text(arguments[1 + int(m.group(1))]), as_text(arguments[0])
            )
        if name == "always":
            return True
        if name == "success":
            return not self.status["failed"]
        if name == "failure":
            return self.status["failed"]
        if name == "cancelled":
            return False
        raise ExpressionError(f"function {name}() is not supported by this interpreter")


def evaluate(text: str, contexts: dict[str, Any], status: dict[str, bool] | None = None) -> Any:
    return _Parser(text, contexts, status or {"failed": False}).parse()


def interpolate(value: Any, contexts: dict[str, Any], status: dict[str, bool] | None = None) -> str:
    """A YAML scalar with `${{ }}` parts; a value that is one whole expression keeps its type."""
    text = as_text(value)
    whole = _EXPRESSION.fullmatch(text.strip())
    if whole:
        return as_text(evaluate(whole.group(1), contexts, status))
    return _EXPRESSION.sub(lambda match: as_text(evaluate(match.group(1), contexts, status)), text)


def condition(text: Any, contexts: dict[str, Any], status: dict[str, bool]) -> bool:
    """A step's `if:`; no status function in it means `success() && (...)`, like the runner."""
    if text is None:
        return not status["failed"]
    raw = as_text(text).strip()
    whole = _EXPRESSION.fullmatch(raw)
    expression = whole.group(1) if whole else raw
    if not re.search(r"\b(always|success|failure|cancelled)\s*\(", expression):
        expression = f"success() && ({expression})"
    return truthy(evaluate(expression, contexts, status))
