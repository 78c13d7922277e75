"""localstripe, a stateful fake Stripe server from PyPI that also sends webhooks;
installed in the workspace with the other Python packages, run from its Python."""

from __future__ import annotations

import importlib.util
import sys

from agora_tools.infra.base import HOST, ProvisionError, Server, env_port, http_ok

# localstripe accepts any key shaped like a test key.
API_KEY = "sk_test_agora"


class LocalStripe(Server):
    name = "localstripe"
    start_timeout = 30.0

    def __init__(self) -> None:
        super().__init__()
        self.port = env_port("LOCALSTRIPE", 8420)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def install(self) -> None:
        if importlib.util.find_spec("localstripe") is None:
            raise ProvisionError("localstripe is not installed: run `make install`")

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "agora_tools.infra.localstripe_server",
            "--host",
            HOST,
            "--port",
            str(self.port),
        ]

    def ready(self) -> bool:
        return http_ok(f"{self.url}/v1/customers", headers={"Authorization": f"Bearer {API_KEY}"})

    def endpoints(self) -> dict[str, str]:
        return {"url": self.url}
