"""localstripe on loopback only: its own ``localstripe`` command binds every interface
and pickles its store to a fixed ``/tmp`` file on each write, so run its app here,
with the store kept in memory (a fresh, stateful fake on every start).

Run as ``python -m agora_tools.infra.localstripe_server --port 8420``.
"""

from __future__ import annotations

import argparse
import logging

from aiohttp import web
from localstripe import resources, server  # type: ignore[import-untyped]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    args = parser.parse_args()
    resources.Store.dump_to_disk = lambda _self: None
    logging.basicConfig(level=logging.INFO)
    web.run_app(
        server.app, host=args.host, port=args.port, access_log=logging.getLogger("aiohttp.access")
    )


if __name__ == "__main__":
    main()
