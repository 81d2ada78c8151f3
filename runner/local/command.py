"""`serverless-pr-test local`: the embedded AWS endpoint in the foreground."""

from __future__ import annotations

import argparse
import shlex
import signal
import threading

from runner.cli import options
from runner.local.delivery import DeliveryLatency
from runner.local.endpoint import DEFAULT_PORT, LocalEndpoint


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 = any free port)",
    )
    parser.add_argument(
        "--region", default="us-east-1", help="region the endpoint claims (default us-east-1)"
    )
    options.add_delivery_latency_option(parser)


def execute(args: argparse.Namespace) -> int:
    options.check_port(args.port)
    latency = DeliveryLatency.parse(args.delivery_latency)
    endpoint = LocalEndpoint.start(port=args.port, region=args.region, delivery_latency=latency)
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    print(f"Local AWS endpoint listening on {endpoint.url}. Export these to use it:", flush=True)
    for name, value in endpoint.env().items():
        print(f"export {name}={shlex.quote(value)}", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    stop.wait()
    endpoint.stop()
    print("Local AWS endpoint stopped.")
    return 0
