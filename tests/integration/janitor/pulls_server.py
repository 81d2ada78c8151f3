"""A tiny GitHub REST server on 127.0.0.1: GET /repos/{owner}/{repo}/pulls/{n} from a dict of states."""

from __future__ import annotations

import re

from tests.support.http_server import NOT_FOUND, LoopbackServer, Request, Response


class PullsServer:
    def __init__(self, repository: str, states: dict[int, str]) -> None:
        self.repository = repository
        self.states = states  # PR number -> "open" / "closed"; others answer 404
        self._server = LoopbackServer().route(
            "GET", rf"/repos/{re.escape(repository)}/pulls/(?P<number>\d+)", self._pull
        )

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def requests(self) -> list[str]:
        return [request.target for request in self._server.requests]

    @property
    def authorizations(self) -> list[str]:
        return [request.header("Authorization") for request in self._server.requests]

    def start(self) -> PullsServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def _pull(self, request: Request) -> Response:
        number = int(request.params["number"])
        if number not in self.states:
            return NOT_FOUND
        return Response.json(
            200,
            {
                "id": number,
                "number": number,
                "state": self.states[number],
                "url": f"{self.url}/repos/{self.repository}/pulls/{number}",
                "title": f"PR {number}",
                "merged": False,
            },
        )
