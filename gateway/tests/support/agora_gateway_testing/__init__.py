"""Helpers for tests of the gateway: real servers on loopback ports (uvicorn in the
test's event loop), a token issuer with its JWKS, and a fake user service that
exchanges API keys. Test support, outside the gateway's package: never shipped."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.types import ASGIApp

from agora_gateway.app import create_app
from agora_gateway.settings import Settings
from agora_kit.errors import PROBLEM_JSON, problem_body
from agora_kit.serving import server_config
from agora_kit.settings import CommonSettings
from agora_kit.testing.fixtures import free_port


@contextlib.asynccontextmanager
async def serve(
    app: ASGIApp, port: int | None = None, trusted_proxies: str = ""
) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on a loopback port until the block ends; its URL."""
    port = port or free_port()
    config = server_config(
        app, "127.0.0.1", port, trusted_proxies, lifespan="on", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 10
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("the server stopped before it started")
        if time.monotonic() > deadline:
            raise TimeoutError("the server did not start")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@dataclass
class Issuer:
    """Signs access tokens as the user service does (EdDSA, with a kid)."""

    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    kid: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.OKPAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]}

    def token(
        self,
        sub: str | None = None,
        *,
        roles: list[str] | None = None,
        scope: str | None = None,
        ttl: int = 900,
        **extra: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": "agora",
            "aud": "agora",
            "sub": sub or str(uuid.uuid4()),
            "roles": roles if roles is not None else ["customer"],
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
            **extra,
        }
        if scope is not None:
            claims["scope"] = scope
        return jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": self.kid})


class _Exchange(BaseModel):
    api_key: str


@dataclass
class FakeUpstream:
    """Every service at once: the JWKS and token exchange of the user service, and an
    echo of whatever else it is asked, with counters tests read."""

    issuer: Issuer = field(default_factory=Issuer)
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (user, scope)
    exchanges: int = 0
    seen: list[dict[str, Any]] = field(default_factory=list)

    def add_key(self, key: str, scope: str, user: str | None = None) -> str:
        user = user or str(uuid.uuid4())
        self.keys[key] = (user, scope)
        return user

    def app(self) -> FastAPI:
        app = FastAPI(title="fake upstream")

        @app.get("/.well-known/jwks.json")
        async def jwks() -> dict[str, Any]:
            return self.issuer.jwks()

        @app.post("/internal/token-exchange")
        async def exchange(body: _Exchange) -> JSONResponse:
            self.exchanges += 1
            if body.api_key not in self.keys:
                return JSONResponse(
                    problem_body(401, detail="invalid API key"),
                    status_code=401,
                    media_type=PROBLEM_JSON,
                )
            user, scope = self.keys[body.api_key]
            token = self.issuer.token(user, scope=scope, ttl=300, akid="k1")
            return JSONResponse(
                {
                    "access_token": token,
                    "token_type": "bearer",
                    "expires_in": 300,
                    "scope": scope,
                    "user_id": user,
                    "api_key_id": "k1",
                }
            )

        @app.get("/api/v1/products/{product_id}", tags=["products"])
        async def product(product_id: str, request: Request) -> dict[str, Any]:
            return self._echo(request, product_id=product_id)

        @app.api_route(
            "/{path:path}",
            methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"],
            include_in_schema=False,
        )
        async def echo(path: str, request: Request) -> JSONResponse:
            body = await request.body()
            seen = self._echo(request, body=body.decode(errors="replace"))
            cookie = request.query_params.get("set_cookie")
            answer = JSONResponse(
                seen,
                status_code=201 if request.method == "POST" else 200,
                headers={
                    "x-upstream": "fake",
                    "server": "uvicorn/secret-version",
                    "x-powered-by": "python",
                    "connection": "close, x-hop",
                    "x-hop": "drop me",
                },
            )
            if cookie is not None:
                answer.set_cookie("session", cookie)
            return answer

        return app

    def _echo(self, request: Request, **more: Any) -> dict[str, Any]:
        seen: dict[str, Any] = {
            "method": request.method,
            "path": request.url.path,
            "query": request.url.query,
            "headers": dict(request.headers.items()),
            # Which of the gateway's connections it came down.
            "client_port": request.client.port if request.client else None,
            **more,
        }
        self.seen.append(seen)
        return seen


@dataclass
class RunningGateway:
    app: FastAPI
    url: str
    client: httpx.AsyncClient
    settings: Settings


GatewayFactory = Callable[..., contextlib.AbstractAsyncContextManager[RunningGateway]]
SERVICES = ("user", "catalog", "order", "payment", "notification")


def gateway_settings(upstream_url: str, **overrides: Any) -> Settings:
    """Every service at ``upstream_url``, unless an override moves one."""
    values: dict[str, Any] = {
        **{f"{name}_url": upstream_url for name in SERVICES},
        "openapi_retry_seconds": 0.2,
        "common": CommonSettings(jwks_url=f"{upstream_url}/.well-known/jwks.json"),
    }
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_gateway(upstream_url: str, **overrides: Any) -> AsyncIterator[RunningGateway]:
    settings = gateway_settings(upstream_url, **overrides)
    app = create_app(settings)
    async with (
        serve(app, trusted_proxies=settings.trusted_proxies) as url,
        httpx.AsyncClient(base_url=url, timeout=10) as client,
    ):
        yield RunningGateway(app, url, client, settings)
