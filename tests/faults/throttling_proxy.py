"""An HTTP proxy in front of the local endpoint that throttles a seeded share of AWS calls.

Each AWS request (a SigV4 `Authorization` header names the service) is refused with the error the
service's protocol uses for throttling, chosen at random (seeded): botocore and the JS SDK in the
CDK CLI classify `Throttling`/`ThrottlingException`/`SlowDown`/`TooManyRequestsException` and
HTTP 503 as retryable. Everything else (the endpoint's own callbacks) passes untouched.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

_SERVICE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}
_SET_BY_PROXY = {"content-length", "date", "server"}  # a second Date header breaks SDK clock-skew checks


class ThrottlingProxy:
    def __init__(self, upstream_url: str, share: float = 0.3, seed: int = 1234) -> None:
        parsed = urlparse(upstream_url)
        self._upstream = (parsed.hostname or "localhost", parsed.port or 80)
        self._share = share
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.forwarded: Counter[str] = Counter()
        self.throttled: Counter[str] = Counter()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        # `localhost`, as for the endpoint itself: moto only resolves template URLs containing it.
        return f"http://localhost:{self._server.server_address[1]}"

    def start(self) -> ThrottlingProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _should_throttle(self, service: str | None) -> bool:
        if service is None:
            return False
        with self._lock:
            throttle = self._random.random() < self._share
            (self.throttled if throttle else self.forwarded)[service] += 1
            return throttle

    def _pick(self, choices: int) -> int:
        with self._lock:
            return self._random.randrange(choices)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _relay(self) -> None:
                body = self._read_body()
                match = _SERVICE.search(self.headers.get("Authorization", ""))
                service = match.group(1) if match else None
                if proxy._should_throttle(service):
                    self._refuse(str(service))
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                connection = http.client.HTTPConnection(*proxy._upstream, timeout=300)
                try:
                    connection.request(self.command, self.path, body=body, headers=headers)
                    response = connection.getresponse()
                    payload = response.read()
                    self.send_response(response.status, response.reason)
                    for name, value in response.getheaders():
                        if name.lower() not in _HOP_BY_HOP | _SET_BY_PROXY:
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(payload)
                finally:
                    connection.close()

            def _read_body(self) -> bytes:
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

            def _refuse(self, service: str) -> None:
                """The protocol's throttling error (HTTP 400/429), or its 503, chosen at random."""
                unavailable = proxy._pick(2) == 0
                status = 503 if unavailable else 400
                if service == "s3":  # REST-XML: S3 throttles with 503 SlowDown
                    code = "ServiceUnavailable" if unavailable else "SlowDown"
                    xml = f"<Error><Code>{code}</Code><Message>Reduce your request rate.</Message></Error>"
                    self._answer(503, "application/xml", xml.encode(), {})
                elif self.headers.get("X-Amz-Target"):  # JSON protocols
                    code = "ServiceUnavailableException" if unavailable else "ThrottlingException"
                    body = json.dumps({"__type": code, "message": "Rate exceeded"}).encode()
                    self._answer(status, "application/x-amz-json-1.1", body, {"x-amzn-ErrorType": code})
                elif "x-www-form-urlencoded" in self.headers.get("Content-Type", ""):  # query
                    code = "ServiceUnavailable" if unavailable else "Throttling"
                    xml = (
                        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>Rate "
                        "exceeded</Message></Error><RequestId>0</RequestId></ErrorResponse>"
                    )
                    self._answer(status, "text/xml", xml.encode(), {})
                else:  # REST-JSON (Lambda): 429 TooManyRequestsException
                    code = "ServiceException" if unavailable else "TooManyRequestsException"
                    body = json.dumps({"message": "Rate exceeded"}).encode()
                    self._answer(
                        503 if unavailable else 429, "application/json", body, {"x-amzn-ErrorType": code}
                    )

            def _answer(self, status: int, content_type: str, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = _relay

        return Handler
