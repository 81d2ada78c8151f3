"""The fake-HTTP-server skeleton every fake in tests/ runs on (tests/support/http_server.py)."""

from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlsplit

from tests.support.http_server import ANY_METHOD, LoopbackServer, Request, Response


def connect(server: LoopbackServer) -> http.client.HTTPConnection:
    address = urlsplit(server.url)
    return http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)


def exchange(server: LoopbackServer, method: str, target: str, **kwargs: object) -> tuple[int, bytes, str]:
    connection = connect(server)
    try:
        connection.request(method, target, **kwargs)  # type: ignore[arg-type]
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Content-Type") or ""
    finally:
        connection.close()


def echo(request: Request) -> Response:
    seen = {"params": dict(request.params), "query": request.query, "body": request.json()}
    return Response.json(200, seen)


def test_a_route_matches_method_and_whole_path_and_hands_over_its_named_groups() -> None:
    with LoopbackServer() as server:
        server.route("POST", r"/items/(?P<item>\d+)", echo)
        status, body, content_type = exchange(server, "POST", "/items/42?page=2", body=b'{"n": 1}')
        assert (status, content_type) == (200, "application/json; charset=utf-8")
        assert json.loads(body) == {"params": {"item": "42"}, "query": {"page": ["2"]}, "body": {"n": 1}}
        assert exchange(server, "GET", "/items/42")[0] == 404  # another method
        assert exchange(server, "POST", "/items/42/more")[0] == 404  # the pattern must match in full


def test_an_unrouted_request_is_a_json_404_and_still_logged() -> None:
    with LoopbackServer() as server:
        status, body, _ = exchange(server, "DELETE", "/nowhere", headers={"Authorization": "token t"})
        assert (status, json.loads(body)) == (404, {"message": "Not Found"})
        [logged] = server.requests
        assert (logged.method, logged.target) == ("DELETE", "/nowhere")
        assert logged.header("Authorization") == "token t"


def test_a_chunked_body_arrives_whole() -> None:
    with LoopbackServer() as server:
        server.route(ANY_METHOD, r".*", lambda request: Response(200, request.body, "text/plain"))
        status, body, _ = exchange(server, "PUT", "/upload", body=iter([b"first,", b"second"]))
        assert (status, body) == (200, b"first,second")
        assert server.requests[0].header("Transfer-Encoding") == "chunked"


def test_a_head_request_gets_the_headers_without_the_body() -> None:
    with LoopbackServer() as server:
        server.route(ANY_METHOD, r"/object", lambda request: Response(200, b"twelve bytes", "text/plain"))
        # Raw bytes: an HTTP client would discard a body sent after a HEAD answer without a word.
        with socket.create_connection(server.address, timeout=10) as raw:
            raw.sendall(b"HEAD /object HTTP/1.0\r\n\r\n")
            received = b""
            while chunk := raw.recv(4096):
                received += chunk
        assert b"\r\nContent-Length: 12\r\n" in received
        assert received.endswith(b"\r\n\r\n")


def test_it_listens_on_loopback_only_whatever_host_its_url_names() -> None:
    with LoopbackServer(url_host="localhost") as server:
        assert server.url.startswith("http://localhost:")
        assert server.address[0] == "127.0.0.1"
