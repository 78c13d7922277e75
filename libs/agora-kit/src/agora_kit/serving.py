"""How every part of the fleet is served by uvicorn, in one place for the CLI and tests."""

from __future__ import annotations

import uvicorn
from starlette.types import ASGIApp


def server_config(
    app: ASGIApp, host: str, port: int, trusted_proxies: str = "", **options: object
) -> uvicorn.Config:
    """A uvicorn configuration for ``app``.

    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from the proxies in
    ``trusted_proxies`` (comma-separated addresses or networks); with none, a caller's
    own claim never picks the address that rate limits and lockouts count.
    """
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        server_header=False,
        proxy_headers=bool(trusted_proxies.strip()),
        forwarded_allow_ips=trusted_proxies.strip() or None,
        **options,  # type: ignore[arg-type]
    )
