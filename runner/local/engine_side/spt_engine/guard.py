"""ASGI middleware: the engine answers only this machine's own processes.

A browser page on any site can send requests to 127.0.0.1. Two checks keep it out:
- Host must be a loopback name (`localhost`, `127.0.0.1`, `[::1]`, or a `*.localhost` name that the
  engine serves API Gateway and S3 virtual hosts on), which stops DNS-rebinding pages;
- a request carrying `Origin` (or `Sec-Fetch-Site: cross-site|same-site`) is a browser's
  cross-origin request and is refused, preflights included; MiniStack would otherwise answer
  `Access-Control-Allow-Origin: *` to every one of them.
Refusals are 403 with a one-line reason, before MiniStack sees the request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def _host_name(host_header: str) -> str:
    host = host_header.strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def host_allowed(host_header: str) -> bool:
    name = _host_name(host_header)
    return name in LOOPBACK_NAMES or name.endswith(".localhost")


def refusal(headers: dict[str, str]) -> str | None:
    """Why a request is refused, or None when it may pass."""
    if not host_allowed(headers.get("host", "")):
        return "the local engine answers only Host localhost or 127.0.0.1"
    if "origin" in headers:
        return "the local engine answers no cross-origin browser requests"
    if headers.get("sec-fetch-site", "none") not in ("none", "same-origin"):
        return "the local engine answers no cross-site browser requests"
    return None


def guard(app: App) -> App:
    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        headers = {
            key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope.get("headers", [])
        }
        reason = refusal(headers)
        if reason is None:
            await app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = (reason + "\n").encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return guarded
