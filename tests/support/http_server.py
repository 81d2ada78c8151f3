"""One skeleton for every fake HTTP server in the tests: a ThreadingHTTPServer bound to 127.0.0.1 and
served from a background thread, a route table of (method, path pattern) -> handler, JSON helpers and
a log of every request. A fake then holds only what its API does (GitHub's rules, the Pricing API's
pages, a throttling proxy's dice), never socket plumbing.

    with LoopbackServer() as server:
        server.route("GET", r"/repos/acme/shop/pulls/(?P<number>\\d+)", answer_pull)
        ... server.url ... server.requests ...

A handler is a function of a `Request` returning a `Response`; a request no route matches answers
404 with GitHub's and most JSON APIs' `{"message": "Not Found"}`.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

JSON = "application/json; charset=utf-8"
ANY_METHOD = "*"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Request:
    """One request as it arrived: `target` is the request line's path and query, as sent."""

    method: str
    target: str
    headers: Message
    body: bytes
    params: Mapping[str, str] = field(default_factory=dict)  # the route pattern's named groups

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    def json(self) -> Any:
        """The body as JSON, or None when there is none (a malformed body raises, as it should)."""
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class Response:
    """What to answer; the skeleton adds Content-Length and sends no body to a HEAD request."""

    status: int
    body: bytes = b""
    content_type: str | None = JSON
    headers: tuple[tuple[str, str], ...] = ()  # pairs, so a relayed answer may repeat a header
    reason: str | None = None

    @classmethod
    def json(
        cls,
        status: int,
        payload: Any = None,
        headers: Mapping[str, str] | None = None,
        content_type: str = JSON,
    ) -> Response:
        body = b"" if payload is None else json.dumps(payload).encode()
        return cls(status, body, content_type, tuple((headers or {}).items()))


Handler = Callable[[Request], Response]
NOT_FOUND = Response.json(404, {"message": "Not Found"})


@dataclass(frozen=True)
class Route:
    method: str  # or ANY_METHOD
    pattern: re.Pattern[str]  # matched in full against the path, without the query
    handler: Handler


class LoopbackServer:
    """A ThreadingHTTPServer on 127.0.0.1 (an ephemeral port) in a daemon thread, as a context manager.

    `url_host` only changes the URL handed out (a proxy for the local endpoint says `localhost`, as
    the endpoint does); the socket is bound to 127.0.0.1 whatever it says.
    """

    def __init__(self, *, url_host: str = "127.0.0.1", protocol_version: str = "HTTP/1.0") -> None:
        self.routes: list[Route] = []
        self._log: list[Request] = []
        self._lock = threading.Lock()
        self._url_host = url_host
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self, protocol_version))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def route(self, method: str, pattern: str, handler: Handler) -> LoopbackServer:
        self.routes.append(Route(method, re.compile(pattern), handler))
        return self

    @property
    def address(self) -> tuple[str, int]:
        """Where the socket listens."""
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        return f"http://{self._url_host}:{self.address[1]}"

    @property
    def requests(self) -> list[Request]:
        """Every request received so far, routed or not, in arrival order (a copy)."""
        with self._lock:
            return list(self._log)

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def dispatch(self, request: Request) -> Response:
        with self._lock:
            self._log.append(request)
        for route in self.routes:
            if route.method not in (ANY_METHOD, request.method):
                continue
            match = route.pattern.fullmatch(request.path)
            if match is not None:
                return route.handler(replace(request, params=match.groupdict()))
        return NOT_FOUND


def _handler_class(server: LoopbackServer, protocol: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = protocol

        def log_message(self, format: str, *args: Any) -> None:
            return  # the request log is `server.requests`; stderr stays for real failures

        def _serve(self) -> None:
            request = Request(self.command, self.path, self.headers, self._read_body())
            answer = server.dispatch(request)
            self.send_response(answer.status, answer.reason)
            if answer.content_type is not None:
                self.send_header("Content-Type", answer.content_type)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)

        def _read_body(self) -> bytes:
            # The CDK CLI's SDK streams some uploads chunked; everything else says its length.
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    continue  # trailers
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

    for method in METHODS:
        setattr(Handler, f"do_{method}", Handler._serve)
    return Handler
