"""Run a moto server in a background thread on 127.0.0.1 and hand out the environment for it."""

from __future__ import annotations

import errno
import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from runner.errors import PortInUseError
from runner.local.delivery import DeliveryLatency, set_delays

DEFAULT_REGION = "us-east-1"
# moto accepts any credentials; these are the documented dummy pair so nothing real is ever used.
DUMMY_ACCESS_KEY = "testing"
DUMMY_SECRET_KEY = "testing"  # noqa: S105 - not a secret: moto's documented dummy value
LOCAL_ACCOUNT_ID = "123456789012"


@dataclass
class LocalEndpoint:
    """A running moto server. `url` uses `localhost` because moto only resolves template URLs
    that contain it (`cdk deploy` passes the template as an S3 URL)."""

    port: int
    region: str = DEFAULT_REGION
    _server: Any = field(default=None, repr=False)
    _listener: socket.socket | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def env(self) -> dict[str, str]:
        """Variables that point boto3, the AWS CLI and the CDK CLI at this endpoint."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_KEY,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "CDK_DEFAULT_ACCOUNT": LOCAL_ACCOUNT_ID,
            "CDK_DEFAULT_REGION": self.region,
        }

    @classmethod
    def start(
        cls,
        port: int = 0,
        region: str = DEFAULT_REGION,
        delivery_latency: DeliveryLatency = DeliveryLatency.NONE,
    ) -> LocalEndpoint:
        """Bind 127.0.0.1:`port` (0 = any free port) in this thread, so a taken port fails here
        with a clear error instead of hanging a server thread. `delivery_latency` applies to every
        endpoint in this process (the moto patches are process-wide)."""
        # Imported here: moto is heavy and only the local commands need it.
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        from runner.local.patches import apply_all

        _point_moto_at(port)
        apply_all()
        set_delays(delivery_latency.value)
        application = DomainDispatcherApplication(create_backend_app)
        # Bind the socket ourselves: werkzeug answers a taken port with sys.exit().
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind(("127.0.0.1", port))
        except OSError as error:
            listener.close()
            if error.errno == errno.EADDRINUSE:
                raise PortInUseError(
                    f"local endpoint port {port} is already in use; pick another with --port "
                    "or stop what is listening there"
                ) from error
            raise
        listener.listen(128)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        server = make_server(
            "127.0.0.1",
            listener.getsockname()[1],
            application,
            threaded=True,
            request_handler=MotoRequestHandler,
            fd=listener.fileno(),
        )
        endpoint = cls(port=server.server_address[1], region=region, _server=server, _listener=listener)
        _point_moto_at(endpoint.port)
        thread = threading.Thread(target=server.serve_forever, name="moto-server", daemon=True)
        thread.start()
        endpoint._thread = thread
        from runner.local.lambda_host import endpoint_started

        endpoint_started(endpoint.port)
        return endpoint

    def stop(self) -> None:
        from runner.local.lambda_host import stop_execution_environments

        # Workers point their SDK at this port; kill them before it goes away.
        stop_execution_environments(self.port)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None


def _point_moto_at(port: int) -> None:
    """moto builds callback URLs (custom resource responses, Lambda endpoints) from these."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", DUMMY_ACCESS_KEY)
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", DUMMY_SECRET_KEY)
    os.environ.setdefault("AWS_DEFAULT_REGION", DEFAULT_REGION)
    if port:
        os.environ["MOTO_PORT"] = str(port)
