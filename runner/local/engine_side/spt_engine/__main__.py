"""`python -m spt_engine --fd N`: serve MiniStack, with this project's layer, on an inherited socket.

The runner binds 127.0.0.1 itself (so a taken port is its own clear error) and hands the listening
socket over; MiniStack reads its settings (GATEWAY_PORT, MINISTACK_ACCOUNT_ID, ...) from the
environment the runner built, which holds nothing else of the runner's.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal


def main() -> None:
    parser = argparse.ArgumentParser(prog="spt_engine")
    parser.add_argument("--fd", type=int, required=True, help="listening socket inherited from the runner")
    args = parser.parse_args()

    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    from spt_engine.guard import guard
    from spt_engine.patches import apply_all

    apply_all()
    from ministack.app import app

    config = Config()
    config.bind = [f"fd://{args.fd}"]
    config.keep_alive_timeout = 75
    config.loglevel = "WARNING"
    config.accesslog = None
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s [%(name)s] %(message)s")

    shutdown = asyncio.Event()

    async def run() -> None:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(number, shutdown.set)
        await serve(guard(app), config, shutdown_trigger=shutdown.wait)  # type: ignore[arg-type]

    asyncio.run(run())


if __name__ == "__main__":
    main()
