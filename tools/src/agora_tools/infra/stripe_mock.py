"""stripe-mock, Stripe's own mock of its API (stateless, answers from the OpenAPI
spec and fixtures bundled in the binary), built with ``go install``."""

from __future__ import annotations

from agora_tools.infra.base import HOST, Server, env_port, http_ok
from agora_tools.infra.toolchains import go_install

PACKAGE = "github.com/stripe/stripe-mock"
VERSION = "v0.203.0"
# stripe-mock accepts any key shaped like a test key.
API_KEY = "sk_test_123"


class StripeMock(Server):
    name = "stripe-mock"
    version = VERSION
    start_timeout = 30.0

    def __init__(self) -> None:
        super().__init__()
        self.port = env_port("STRIPE_MOCK", 12111)
        self.https_port = env_port("STRIPE_MOCK_HTTPS", 12112)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def install(self) -> None:
        go_install(PACKAGE, VERSION, "stripe-mock")

    def command(self) -> list[str]:
        # Both addresses explicit: given only -http-addr, it still serves HTTPS on every
        # interface.
        return [
            str(go_install(PACKAGE, VERSION, "stripe-mock")),
            "-http-addr",
            f"{HOST}:{self.port}",
            "-https-addr",
            f"{HOST}:{self.https_port}",
        ]

    def ready(self) -> bool:
        return http_ok(f"{self.url}/v1/customers", headers={"Authorization": f"Bearer {API_KEY}"})

    def endpoints(self) -> dict[str, str]:
        return {"url": self.url}
