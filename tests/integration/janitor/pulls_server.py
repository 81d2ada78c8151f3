"""A tiny GitHub REST server on 127.0.0.1: GET /repos/{owner}/{repo}/pulls/{n} from a dict of states."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class PullsServer:
    def __init__(self, repository: str, states: dict[int, str]) -> None:
        self.repository = repository
        self.states = states  # PR number -> "open" / "closed"; others answer 404
        self.requests: list[str] = []
        self.authorizations: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> PullsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                server.requests.append(self.path)
                server.authorizations.append(self.headers.get("Authorization", ""))
                match = re.fullmatch(rf"/repos/{re.escape(server.repository)}/pulls/(\d+)", self.path)
                number = int(match.group(1)) if match else None
                if number is None or number not in server.states:
                    self._send(404, {"message": "Not Found"})
                    return
                base = f"{server.url}/repos/{server.repository}"
                self._send(
                    200,
                    {
                        "id": number,
                        "number": number,
                        "state": server.states[number],
                        "url": f"{base}/pulls/{number}",
                        "title": f"PR {number}",
                        "merged": False,
                    },
                )

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
