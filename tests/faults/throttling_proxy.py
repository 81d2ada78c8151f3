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
from urllib.parse import urlparse

from tests.support.http_server import ANY_METHOD, LoopbackServer, Request, Response

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
        # `localhost` in the URL, as the endpoint's own URL says it.
        # HTTP/1.1: the SDKs keep their connections alive through the proxy.
        self._server = LoopbackServer(url_host="localhost", protocol_version="HTTP/1.1")
        self._server.route(ANY_METHOD, r".*", self._relay)

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> ThrottlingProxy:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

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

    def _relay(self, request: Request) -> Response:
        match = _SERVICE.search(request.header("Authorization"))
        service = match.group(1) if match else None
        if self._should_throttle(service):
            return self._refuse(request, str(service))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        connection = http.client.HTTPConnection(*self._upstream, timeout=300)
        try:
            connection.request(request.method, request.target, body=request.body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        finally:
            connection.close()
        kept = tuple(
            (name, value)
            for name, value in response.getheaders()
            if name.lower() not in _HOP_BY_HOP | _SET_BY_PROXY
        )
        return Response(response.status, payload, content_type=None, headers=kept, reason=response.reason)

    def _refuse(self, request: Request, service: str) -> Response:
        """The protocol's throttling error (HTTP 400/429), or its 503, chosen at random."""
        unavailable = self._pick(2) == 0
        status = 503 if unavailable else 400
        if service == "s3":  # REST-XML: S3 throttles with 503 SlowDown
            code = "ServiceUnavailable" if unavailable else "SlowDown"
            xml = f"<Error><Code>{code}</Code><Message>Reduce your request rate.</Message></Error>"
            return Response(503, xml.encode(), "application/xml")
        if request.header("X-Amz-Target"):  # JSON protocols
            code = "ServiceUnavailableException" if unavailable else "ThrottlingException"
            body = json.dumps({"__type": code, "message": "Rate exceeded"}).encode()
            return Response(status, body, "application/x-amz-json-1.1", (("x-amzn-ErrorType", code),))
        if "x-www-form-urlencoded" in request.header("Content-Type"):  # query
            code = "ServiceUnavailable" if unavailable else "Throttling"
            xml = (
                f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>Rate "
                "exceeded</Message></Error><RequestId>0</RequestId></ErrorResponse>"
            )
            return Response(status, xml.encode(), "text/xml")
        # REST-JSON (Lambda): 429 TooManyRequestsException
        code = "ServiceException" if unavailable else "TooManyRequestsException"
        body = json.dumps({"message": "Rate exceeded"}).encode()
        return Response(503 if unavailable else 429, body, "application/json", (("x-amzn-ErrorType", code),))
