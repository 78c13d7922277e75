from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from fastapi import Depends, FastAPI
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

from agora_kit.auth import (
    ROLE_ADMIN,
    ROLE_CUSTOMER,
    ROLE_VENDOR,
    SCOPE_CATALOG_READ,
    SCOPE_ORDERS_READ,
    SCOPE_ORDERS_WRITE,
    CurrentPrincipal,
    JWKSVerifier,
    JWTConfig,
    OptionalPrincipal,
    Principal,
    require_roles,
    require_scopes,
)
from agora_kit.errors import (
    PROBLEM_JSON,
    ServiceUnavailable,
    Unauthorized,
    install_problem_handlers,
)

JWKS_URL = "http://user.test/.well-known/jwks.json"
ISSUER = "https://agora.test/user"
AUDIENCE = "agora"
CONFIG = JWTConfig(jwks_url=JWKS_URL, issuer=ISSUER, audience=AUDIENCE)

ED_KID = "ed-1"
RSA_KID = "rsa-1"

Key = ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey


@pytest.fixture(scope="module")
def ed_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: Key, kid: str) -> dict[str, Any]:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        jwk = OKPAlgorithm.to_jwk(key.public_key(), as_dict=True)
        alg = "EdDSA"
    else:
        jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        alg = "RS256"
    return {**jwk, "kid": kid, "alg": alg, "use": "sig"}


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": "user-42",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 300,
        "jti": "token-1",
        "roles": [ROLE_CUSTOMER],
    }
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def sign(key: Key, kid: str | None, **overrides: Any) -> str:
    alg = "EdDSA" if isinstance(key, ed25519.Ed25519PrivateKey) else "RS256"
    headers = {"kid": kid} if kid is not None else None
    return jwt.encode(claims(**overrides), key, algorithm=alg, headers=headers)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], payload: dict[str, Any], secret: bytes | None) -> str:
    """A token built by hand, as an attacker would, signed with HMAC or not at all."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = b""
    if secret is not None:
        signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


@dataclass
class FakeClock:
    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class JWKSServer:
    """The user service's JWKS endpoint, counting how often it is fetched."""

    keys: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0
    down: bool = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == JWKS_URL
        self.calls += 1
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json={"keys": self.keys})


@pytest.fixture
def server(ed_key: ed25519.Ed25519PrivateKey, rsa_key: rsa.RSAPrivateKey) -> JWKSServer:
    return JWKSServer(keys=[public_jwk(ed_key, ED_KID), public_jwk(rsa_key, RSA_KID)])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def verifier(server: JWKSServer, clock: FakeClock) -> AsyncIterator[JWKSVerifier]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handle)) as client:
        yield JWKSVerifier(CONFIG, client, clock=clock)


@pytest.fixture
async def warm_verifier(verifier: JWKSVerifier, ed_key: ed25519.Ed25519PrivateKey) -> JWKSVerifier:
    """The verifier once it has checked a token: the JWKS fetched once and cached."""
    await verifier.verify(sign(ed_key, ED_KID))
    return verifier


async def test_valid_eddsa_token_gives_a_session_principal(
    verifier: JWKSVerifier, ed_key: ed25519.Ed25519PrivateKey
) -> None:
    principal = await verifier.verify(sign(ed_key, ED_KID, roles=[ROLE_CUSTOMER, ROLE_VENDOR]))

    assert principal.user_id == "user-42"
    assert principal.roles == frozenset({ROLE_CUSTOMER, ROLE_VENDOR})
    assert principal.scopes is None
    assert principal.token_id == "token-1"
    assert principal.claims["iss"] == ISSUER
    assert principal.has_role(ROLE_VENDOR)
    assert not principal.has_role(ROLE_ADMIN)
    assert principal.allows(SCOPE_ORDERS_WRITE)


async def test_valid_rs256_api_key_token_is_limited_to_its_scopes(
    verifier: JWKSVerifier, rsa_key: rsa.RSAPrivateKey
) -> None:
    token = sign(rsa_key, RSA_KID, scope=f"{SCOPE_CATALOG_READ} {SCOPE_ORDERS_READ}", jti=None)

    principal = await verifier.verify(token)

    assert principal.scopes == frozenset({SCOPE_CATALOG_READ, SCOPE_ORDERS_READ})
    assert principal.allows(SCOPE_ORDERS_READ)
    assert not principal.allows(SCOPE_ORDERS_WRITE)
    assert principal.token_id is None


async def test_token_without_roles_has_none(
    verifier: JWKSVerifier, ed_key: ed25519.Ed25519PrivateKey
) -> None:
    principal = await verifier.verify(sign(ed_key, ED_KID, roles=None))

    assert principal.roles == frozenset()


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        pytest.param({"exp": int(time.time()) - 120}, "token expired", id="expired"),
        pytest.param({"nbf": int(time.time()) + 600}, "token not yet valid", id="not-yet-valid"),
        pytest.param({"iat": int(time.time()) + 600}, "token not yet valid", id="issued-later"),
        pytest.param({"iss": "https://evil.test"}, "invalid token", id="wrong-issuer"),
        pytest.param({"aud": "another-app"}, "invalid token", id="wrong-audience"),
        pytest.param({"exp": None}, "invalid token", id="missing-exp"),
        pytest.param({"iss": None}, "invalid token", id="missing-iss"),
        pytest.param({"aud": None}, "invalid token", id="missing-aud"),
        pytest.param({"sub": None}, "invalid token", id="missing-sub"),
        pytest.param({"sub": ""}, "invalid token", id="empty-sub"),
        pytest.param({"roles": "admin"}, "invalid token", id="roles-not-a-list"),
        pytest.param({"scope": ["orders:write"]}, "invalid token", id="scope-not-a-string"),
    ],
)
async def test_bad_claims_are_refused(
    verifier: JWKSVerifier,
    ed_key: ed25519.Ed25519PrivateKey,
    overrides: dict[str, Any],
    detail: str,
) -> None:
    with pytest.raises(Unauthorized) as caught:
        await verifier.verify(sign(ed_key, ED_KID, **overrides))

    assert caught.value.detail == detail
    assert caught.value.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


async def test_expiry_within_leeway_is_accepted(
    verifier: JWKSVerifier, ed_key: ed25519.Ed25519PrivateKey
) -> None:
    token = sign(ed_key, ED_KID, exp=int(time.time()) - CONFIG.leeway_seconds // 2)

    assert (await verifier.verify(token)).user_id == "user-42"


async def test_tampered_payload_is_refused(
    verifier: JWKSVerifier, ed_key: ed25519.Ed25519PrivateKey
) -> None:
    header, _, signature = sign(ed_key, ED_KID).split(".")
    promoted = b64(json.dumps(claims(roles=[ROLE_ADMIN])).encode())

    with pytest.raises(Unauthorized):
        await verifier.verify(f"{header}.{promoted}.{signature}")


async def test_tampered_signature_is_refused(
    verifier: JWKSVerifier, rsa_key: rsa.RSAPrivateKey
) -> None:
    header, payload, signature = sign(rsa_key, RSA_KID).split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw[0] ^= 0x01

    with pytest.raises(Unauthorized):
        await verifier.verify(f"{header}.{payload}.{b64(bytes(raw))}")


async def test_alg_none_is_refused(verifier: JWKSVerifier, server: JWKSServer) -> None:
    token = forge({"alg": "none", "typ": "JWT", "kid": ED_KID}, claims(roles=[ROLE_ADMIN]), None)

    with pytest.raises(Unauthorized):
        await verifier.verify(token)
    assert server.calls == 0


@pytest.mark.parametrize("encoding", ["pem", "jwk-n"])
async def test_hs256_signed_with_the_public_key_is_refused(
    verifier: JWKSVerifier, server: JWKSServer, rsa_key: rsa.RSAPrivateKey, encoding: str
) -> None:
    public = rsa_key.public_key()
    secret = (
        public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
        if encoding == "pem"
        else json.dumps(public_jwk(rsa_key, RSA_KID)).encode()
    )
    token = forge({"alg": "HS256", "typ": "JWT", "kid": RSA_KID}, claims(), secret)

    with pytest.raises(Unauthorized):
        await verifier.verify(token)
    assert server.calls == 0


async def test_token_whose_alg_does_not_match_its_key_is_refused(
    verifier: JWKSVerifier, rsa_key: rsa.RSAPrivateKey
) -> None:
    # Signed RS256 by the RSA key but pointing at the Ed25519 key's kid.
    with pytest.raises(Unauthorized):
        await verifier.verify(sign(rsa_key, ED_KID))


async def test_jwk_whose_alg_does_not_match_its_kty_is_not_used(
    verifier: JWKSVerifier,
    server: JWKSServer,
    ed_key: ed25519.Ed25519PrivateKey,
    rsa_key: rsa.RSAPrivateKey,
) -> None:
    server.keys = [{**public_jwk(ed_key, ED_KID), "alg": "RS256"}, public_jwk(rsa_key, RSA_KID)]

    with pytest.raises(Unauthorized):
        await verifier.verify(sign(ed_key, ED_KID))


async def test_jwk_for_encryption_is_not_used(
    verifier: JWKSVerifier, server: JWKSServer, ed_key: ed25519.Ed25519PrivateKey
) -> None:
    server.keys = [{**public_jwk(ed_key, ED_KID), "use": "enc"}]

    with pytest.raises(Unauthorized):
        await verifier.verify(sign(ed_key, ED_KID))


async def test_token_without_kid_is_refused_without_fetching(
    verifier: JWKSVerifier, server: JWKSServer, ed_key: ed25519.Ed25519PrivateKey
) -> None:
    with pytest.raises(Unauthorized):
        await verifier.verify(sign(ed_key, None))
    assert server.calls == 0


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "e30.e30.e30"])
async def test_malformed_token_is_refused(verifier: JWKSVerifier, token: str) -> None:
    with pytest.raises(Unauthorized):
        await verifier.verify(token)


async def test_unknown_kid_is_refused_after_one_refetch(
    verifier: JWKSVerifier, server: JWKSServer, clock: FakeClock
) -> None:
    stranger = ed25519.Ed25519PrivateKey.generate()

    with pytest.raises(Unauthorized) as caught:
        await verifier.verify(sign(stranger, "ed-unknown"))

    assert caught.value.detail == "invalid token"
    # The first lookup loads the JWKS; the unknown kid may not refetch within the interval.
    assert server.calls == 1
    clock.advance(CONFIG.refetch_interval_seconds)
    with pytest.raises(Unauthorized):
        await verifier.verify(sign(stranger, "ed-unknown"))
    assert server.calls == 2


async def test_token_signed_by_a_key_outside_the_jwks_is_refused(
    verifier: JWKSVerifier,
) -> None:
    impostor = ed25519.Ed25519PrivateKey.generate()

    with pytest.raises(Unauthorized):
        await verifier.verify(sign(impostor, ED_KID))


async def test_jwks_is_fetched_once_and_cached(
    verifier: JWKSVerifier,
    server: JWKSServer,
    clock: FakeClock,
    ed_key: ed25519.Ed25519PrivateKey,
    rsa_key: rsa.RSAPrivateKey,
) -> None:
    for _ in range(5):
        await verifier.verify(sign(ed_key, ED_KID))
        await verifier.verify(sign(rsa_key, RSA_KID))
    assert server.calls == 1

    clock.advance(CONFIG.cache_seconds - 1)
    await verifier.verify(sign(ed_key, ED_KID))
    assert server.calls == 1

    clock.advance(1)
    await verifier.verify(sign(ed_key, ED_KID))
    assert server.calls == 2


async def test_rotated_key_is_picked_up_by_refetching_on_unknown_kid(
    warm_verifier: JWKSVerifier,
    server: JWKSServer,
    clock: FakeClock,
    ed_key: ed25519.Ed25519PrivateKey,
) -> None:
    new_key = ed25519.Ed25519PrivateKey.generate()
    server.keys = [public_jwk(new_key, "ed-2"), public_jwk(ed_key, ED_KID)]
    clock.advance(CONFIG.refetch_interval_seconds)

    principal = await warm_verifier.verify(sign(new_key, "ed-2"))

    assert principal.user_id == "user-42"
    assert server.calls == 2
    await warm_verifier.verify(sign(new_key, "ed-2"))
    await warm_verifier.verify(sign(ed_key, ED_KID))
    assert server.calls == 2


async def test_refetch_on_unknown_kid_is_rate_limited(
    warm_verifier: JWKSVerifier,
    server: JWKSServer,
    clock: FakeClock,
    ed_key: ed25519.Ed25519PrivateKey,
) -> None:
    clock.advance(CONFIG.refetch_interval_seconds)

    for _ in range(50):
        with pytest.raises(Unauthorized):
            await warm_verifier.verify(sign(ed_key, uuid.uuid4().hex))
        clock.advance(0.1)
    assert server.calls == 2

    clock.advance(CONFIG.refetch_interval_seconds)
    with pytest.raises(Unauthorized):
        await warm_verifier.verify(sign(ed_key, uuid.uuid4().hex))
    assert server.calls == 3
    # Known keys keep working throughout, from the cache.
    await warm_verifier.verify(sign(ed_key, ED_KID))
    assert server.calls == 3


async def test_unreachable_jwks_is_service_unavailable(
    verifier: JWKSVerifier, server: JWKSServer, ed_key: ed25519.Ed25519PrivateKey
) -> None:
    server.down = True

    for _ in range(3):
        with pytest.raises(ServiceUnavailable):
            await verifier.verify(sign(ed_key, ED_KID))
    # Failures count against the refetch interval too, so an outage is not hammered.
    assert server.calls == 1


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, text="boom"),
        httpx.Response(200, text="<html>"),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json={"keys": []}),
        httpx.Response(200, json={"keys": "nope"}),
    ],
    ids=["http-500", "not-json", "json-list", "no-keys", "keys-not-a-list"],
)
async def test_broken_jwks_is_service_unavailable(
    ed_key: ed25519.Ed25519PrivateKey, response: httpx.Response
) -> None:
    transport = httpx.MockTransport(lambda _request: response)
    async with httpx.AsyncClient(transport=transport) as client:
        verifier = JWKSVerifier(CONFIG, client)
        with pytest.raises(ServiceUnavailable):
            await verifier.verify(sign(ed_key, ED_KID))


async def test_last_good_keys_are_used_while_the_jwks_is_unreachable(
    warm_verifier: JWKSVerifier,
    server: JWKSServer,
    clock: FakeClock,
    ed_key: ed25519.Ed25519PrivateKey,
) -> None:
    server.down = True
    clock.advance(CONFIG.cache_seconds)

    assert (await warm_verifier.verify(sign(ed_key, ED_KID))).user_id == "user-42"
    assert server.calls == 2

    server.down = False
    clock.advance(CONFIG.refetch_interval_seconds)
    await warm_verifier.verify(sign(ed_key, ED_KID))
    assert server.calls == 3


@pytest.mark.parametrize("algorithms", [("HS256",), ("RS256", "none"), ()])
def test_config_refuses_symmetric_or_no_algorithms(algorithms: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="asymmetric"):
        JWTConfig(jwks_url=JWKS_URL, issuer=ISSUER, audience=AUDIENCE, algorithms=algorithms)


def test_principal_from_claims_splits_scope() -> None:
    principal = Principal.from_claims({"sub": "u1", "scope": "  catalog:read  orders:read "})

    assert principal.scopes == frozenset({SCOPE_CATALOG_READ, SCOPE_ORDERS_READ})
    assert principal.roles == frozenset()


@pytest.mark.parametrize(
    ("factory", "names"),
    [
        (require_roles, ()),
        (require_roles, ("superuser",)),
        (require_scopes, ()),
        (require_scopes, ("orders:delete",)),
    ],
)
def test_dependencies_refuse_unknown_or_no_names(
    factory: Callable[..., object], names: tuple[str, ...]
) -> None:
    with pytest.raises(ValueError, match="unknown or no"):
        factory(*names)


# The HTTP layer: a small app using the dependencies as services will.


def make_app(verifier: JWKSVerifier | None) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    if verifier is not None:
        app.state.jwks_verifier = verifier

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict[str, str]:
        return {"user_id": principal.user_id}

    @app.get("/browse")
    async def browse(principal: OptionalPrincipal) -> dict[str, str | None]:
        return {"user_id": principal.user_id if principal else None}

    @app.get("/vendor", dependencies=[Depends(require_roles(ROLE_VENDOR))])
    async def vendor_only() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/staff", dependencies=[Depends(require_roles(ROLE_VENDOR, ROLE_ADMIN))])
    async def vendor_or_admin() -> dict[str, bool]:
        return {"ok": True}

    @app.get(
        "/vendor/orders",
        dependencies=[Depends(require_roles(ROLE_VENDOR, scope=SCOPE_ORDERS_READ))],
    )
    async def vendor_orders() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/orders", dependencies=[Depends(require_scopes(SCOPE_ORDERS_WRITE))])
    async def place_order(principal: CurrentPrincipal) -> dict[str, str]:
        return {"user_id": principal.user_id}

    return app


@pytest.fixture
async def api(verifier: JWKSVerifier) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(verifier))
    async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


@pytest.mark.parametrize("path", ["/me", "/vendor", "/staff"])
async def test_http_without_token_is_401(api: httpx.AsyncClient, path: str) -> None:
    response = await api.get(path)

    body = assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert body["type"].endswith("/unauthorized")


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["garbage-bearer", "basic"],
)
@pytest.mark.parametrize("path", ["/me", "/browse", "/orders"])
async def test_http_with_bad_credentials_is_401_even_on_public_routes(
    api: httpx.AsyncClient, path: str, headers: dict[str, str]
) -> None:
    response = await api.request("POST" if path == "/orders" else "GET", path, headers=headers)

    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_http_with_expired_token_says_so(
    api: httpx.AsyncClient, ed_key: ed25519.Ed25519PrivateKey
) -> None:
    response = await api.get("/me", headers=bearer(sign(ed_key, ED_KID, exp=1)))

    assert assert_problem(response, 401)["detail"] == "token expired"


async def test_http_with_valid_token_is_200(
    api: httpx.AsyncClient, rsa_key: rsa.RSAPrivateKey
) -> None:
    response = await api.get("/me", headers=bearer(sign(rsa_key, RSA_KID, sub="user-7")))

    assert response.status_code == 200
    assert response.json() == {"user_id": "user-7"}


async def test_http_optional_principal(
    api: httpx.AsyncClient, ed_key: ed25519.Ed25519PrivateKey
) -> None:
    anonymous = await api.get("/browse")
    signed_in = await api.get("/browse", headers=bearer(sign(ed_key, ED_KID)))

    assert anonymous.status_code == 200
    assert anonymous.json() == {"user_id": None}
    assert signed_in.json() == {"user_id": "user-42"}


@pytest.mark.parametrize(
    ("path", "roles", "status"),
    [
        ("/vendor", [ROLE_CUSTOMER], 403),
        ("/vendor", [], 403),
        ("/vendor", [ROLE_ADMIN], 403),  # admin is not implied
        ("/vendor", [ROLE_CUSTOMER, ROLE_VENDOR], 200),
        ("/staff", [ROLE_CUSTOMER], 403),
        ("/staff", [ROLE_ADMIN], 200),
        ("/staff", [ROLE_VENDOR], 200),
    ],
)
async def test_http_roles(
    api: httpx.AsyncClient,
    ed_key: ed25519.Ed25519PrivateKey,
    path: str,
    roles: list[str],
    status: int,
) -> None:
    response = await api.get(path, headers=bearer(sign(ed_key, ED_KID, roles=roles)))

    if status == 200:
        assert response.status_code == 200, response.text
    else:
        assert assert_problem(response, 403)["type"].endswith("/forbidden")


@pytest.mark.parametrize(
    ("scope", "status"),
    [
        (SCOPE_CATALOG_READ, 403),
        ("", 403),
        (f"{SCOPE_ORDERS_READ} {SCOPE_CATALOG_READ}", 403),
        (SCOPE_ORDERS_WRITE, 200),
        (f"{SCOPE_CATALOG_READ} {SCOPE_ORDERS_WRITE}", 200),
        (None, 200),  # a session token is not limited by scopes
    ],
)
async def test_http_scopes(
    api: httpx.AsyncClient,
    ed_key: ed25519.Ed25519PrivateKey,
    scope: str | None,
    status: int,
) -> None:
    response = await api.post("/orders", headers=bearer(sign(ed_key, ED_KID, scope=scope)))

    if status == 200:
        assert response.status_code == 200, response.text
        assert response.json() == {"user_id": "user-42"}
    else:
        assert_problem(response, 403)
        assert "insufficient_scope" in response.headers["www-authenticate"]


@pytest.mark.parametrize(
    ("path", "scope", "status"),
    [
        # A key-derived token (it has a scope claim) gets no role-only route, whatever
        # its owner's roles: those are a person's acts, as at the gateway.
        ("/vendor", SCOPE_ORDERS_READ, 403),
        ("/staff", f"{SCOPE_ORDERS_READ} {SCOPE_ORDERS_WRITE}", 403),
        ("/vendor", None, 200),
        # A role route that names a scope takes keys with that scope only.
        ("/vendor/orders", SCOPE_CATALOG_READ, 403),
        ("/vendor/orders", "", 403),
        ("/vendor/orders", SCOPE_ORDERS_READ, 200),
        ("/vendor/orders", None, 200),
    ],
)
async def test_http_roles_with_api_key_tokens(
    api: httpx.AsyncClient,
    ed_key: ed25519.Ed25519PrivateKey,
    path: str,
    scope: str | None,
    status: int,
) -> None:
    token = sign(ed_key, ED_KID, roles=[ROLE_VENDOR, ROLE_ADMIN], scope=scope)
    response = await api.get(path, headers=bearer(token))

    if status == 200:
        assert response.status_code == 200, response.text
    else:
        assert assert_problem(response, 403)["type"].endswith("/forbidden")
        assert "insufficient_scope" in response.headers["www-authenticate"]


def test_a_role_route_names_a_known_scope() -> None:
    with pytest.raises(ValueError, match="unknown scope"):
        require_roles(ROLE_VENDOR, scope="orders:delete")


async def test_http_without_a_configured_verifier_is_503(
    ed_key: ed25519.Ed25519PrivateKey,
) -> None:
    transport = httpx.ASGITransport(app=make_app(None))
    async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as client:
        response = await client.get("/me", headers=bearer(sign(ed_key, ED_KID)))
        anonymous = await client.get("/browse")

    assert assert_problem(response, 503)["detail"] == "authentication is not configured"
    assert anonymous.status_code == 200


async def test_http_unreachable_jwks_is_503(
    api: httpx.AsyncClient, server: JWKSServer, ed_key: ed25519.Ed25519PrivateKey
) -> None:
    server.down = True

    response = await api.get("/me", headers=bearer(sign(ed_key, ED_KID)))

    assert assert_problem(response, 503)["type"].endswith("/service-unavailable")


def test_openapi_shows_the_bearer_scheme() -> None:
    document = make_app(None).openapi()

    assert document["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from /auth/login",
    }
    assert {"HTTPBearer": []} in document["paths"]["/me"]["get"]["security"]
