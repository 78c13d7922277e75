"""Access-token verification and the FastAPI dependencies that authorise a request.

The user service signs short-lived JWTs with asymmetric keys and publishes the public
halves as a JWKS; every other service and the gateway only verify. Signing lives in
the user service, never here.

A token carries ``sub`` (the user), ``roles`` (a list) and, for a token issued for an
API key, ``scope`` (space-separated, as in OAuth 2.0 / RFC 8693). A token without
``scope`` is a user's own session and is not limited by scopes.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from agora_kit.errors import Forbidden, ProblemError, ServiceUnavailable, Unauthorized
from agora_kit.openapi import requires_credentials

logger = logging.getLogger("agora.auth")

ROLE_CUSTOMER = "customer"
ROLE_VENDOR = "vendor"
ROLE_ADMIN = "admin"
ALL_ROLES = frozenset({ROLE_CUSTOMER, ROLE_VENDOR, ROLE_ADMIN})

SCOPE_CATALOG_READ = "catalog:read"
SCOPE_ORDERS_READ = "orders:read"
SCOPE_ORDERS_WRITE = "orders:write"
SCOPE_INVENTORY_WRITE = "inventory:write"
SCOPE_WEBHOOKS_WRITE = "webhooks:write"
ALL_SCOPES = frozenset(
    {
        SCOPE_CATALOG_READ,
        SCOPE_ORDERS_READ,
        SCOPE_ORDERS_WRITE,
        SCOPE_INVENTORY_WRITE,
        SCOPE_WEBHOOKS_WRITE,
    }
)

# The JWK key type each accepted algorithm needs. Symmetric (HS*) and "none" are
# absent on purpose: a verifier that only holds public keys must never accept them.
_KTY_FOR_ALG = {
    "EdDSA": "OKP",
    "RS256": "RSA",
    "RS384": "RSA",
    "RS512": "RSA",
    "PS256": "RSA",
    "PS384": "RSA",
    "PS512": "RSA",
    "ES256": "EC",
    "ES384": "EC",
    "ES512": "EC",
}
_REQUIRED_CLAIMS = ["exp", "iss", "aud", "sub"]
# ADR 0107. The skew is a setting (``AGORA_JWT_CLOCK_SKEW_SECONDS``); the leeway after
# ``exp`` is fixed, and the user service keeps a retired key that much longer too.
DEFAULT_CLOCK_SKEW_SECONDS = 180
EXP_LEEWAY_SECONDS = 30
_INVALID_TOKEN_HEADERS = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


@dataclass(frozen=True, slots=True)
class JWTConfig:
    jwks_url: str
    issuer: str
    audience: str
    algorithms: tuple[str, ...] = ("EdDSA", "RS256")
    # Clocks disagree (ADR 0107): a token is taken up to ``clock_skew_seconds`` before
    # its ``iat``/``nbf`` on this clock (the issuer may be ahead), and until
    # ``leeway_seconds`` after its ``exp`` (nearly strict: a stolen token lives no longer).
    clock_skew_seconds: int = DEFAULT_CLOCK_SKEW_SECONDS
    leeway_seconds: int = EXP_LEEWAY_SECONDS
    cache_seconds: int = 300
    # An unknown kid triggers a refetch, at most this often, so a flood of tokens
    # with made-up kids cannot hammer the user service.
    refetch_interval_seconds: float = 10.0
    fetch_timeout_seconds: float = 5.0

    def __post_init__(self) -> None:
        unsupported = [alg for alg in self.algorithms if alg not in _KTY_FOR_ALG]
        if not self.algorithms or unsupported:
            raise ValueError(f"only asymmetric JWT algorithms are allowed, not {unsupported}")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, and what the presented token lets them do."""

    user_id: str
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] | None = None
    token_id: str | None = None
    claims: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def allows(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        """Build from already verified claims; raises ValueError when they are malformed."""
        sub = claims.get("sub")
        roles = claims.get("roles", [])
        scope = claims.get("scope")
        jti = claims.get("jti")
        if not isinstance(sub, str) or not sub:
            raise ValueError("sub must be a non-empty string")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise ValueError("roles must be a list of strings")
        if scope is not None and not isinstance(scope, str):
            raise ValueError("scope must be a space-separated string")
        if jti is not None and not isinstance(jti, str):
            raise ValueError("jti must be a string")
        return cls(
            user_id=sub,
            roles=frozenset(roles),
            scopes=frozenset(scope.split()) if scope is not None else None,
            token_id=jti,
            claims=dict(claims),
        )


class TokenVerifier(Protocol):
    """What the dependencies need from ``app.state.jwks_verifier``."""

    async def verify(self, token: str) -> Principal: ...


def _invalid(detail: str = "invalid token") -> Unauthorized:
    return Unauthorized(detail, headers=_INVALID_TOKEN_HEADERS)


class JWKSVerifier:
    """Verifies access tokens against the issuer's JWKS, cached by ``kid``."""

    def __init__(
        self,
        config: JWTConfig,
        http_client: httpx.AsyncClient | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._owns_client = http_client is None
        self._http = http_client or httpx.AsyncClient()
        self._clock = clock
        self._lock = asyncio.Lock()
        self._keys: dict[str, jwt.PyJWK] | None = None  # None until the first good fetch
        self._loaded_at = -math.inf
        self._attempted_at = -math.inf

    async def aclose(self) -> None:
        if self._owns_client:
            await self._http.aclose()

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _invalid() from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in self._config.algorithms or not isinstance(kid, str) or not kid:
            raise _invalid()
        key = await self._signing_key(kid)
        # The key, not the token, decides the algorithm: an RSA key must not verify
        # an EdDSA-labelled token, nor any key an HS256 one (algorithm confusion).
        if key.algorithm_name != alg or key.key_type != _KTY_FOR_ALG[alg]:
            raise _invalid()
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self._config.audience,
                issuer=self._config.issuer,
                leeway=self._config.clock_skew_seconds,
                options={"require": _REQUIRED_CLAIMS, "verify_exp": False},
            )
            expires = claims["exp"]
            if not isinstance(expires, int | float) or isinstance(expires, bool):
                raise _invalid()
            if expires <= time.time() - self._config.leeway_seconds:
                raise jwt.ExpiredSignatureError
            return Principal.from_claims(claims)
        except jwt.ExpiredSignatureError:
            raise _invalid("token expired") from None
        except jwt.ImmatureSignatureError:
            raise _invalid("token not yet valid") from None
        except (jwt.PyJWTError, ValueError):
            raise _invalid() from None

    async def _signing_key(self, kid: str) -> jwt.PyJWK:
        if self._keys is not None and not self._expired() and kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            # Another request may have refreshed the keys while this one waited.
            now = self._clock()
            if self._keys is None or self._expired() or kid not in self._keys:
                if now - self._attempted_at >= self._config.refetch_interval_seconds:
                    await self._refresh(now)
                elif self._keys is None:
                    raise ServiceUnavailable("authentication keys are unavailable")
            assert self._keys is not None  # _refresh raises rather than leave it unset
            key = self._keys.get(kid)
        if key is None:
            raise _invalid()
        return key

    def _expired(self) -> bool:
        return self._clock() - self._loaded_at >= self._config.cache_seconds

    async def _refresh(self, now: float) -> None:
        self._attempted_at = now
        try:
            response = await self._http.get(
                self._config.jwks_url, timeout=self._config.fetch_timeout_seconds
            )
            response.raise_for_status()
            body = response.json()
            if not isinstance(body, dict):
                raise ValueError("a JWKS must be a JSON object")
            keys = self._usable_keys(jwt.PyJWKSet.from_dict(body))
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            if self._keys is None:
                logger.error("cannot load the JWKS from %s: %r", self._config.jwks_url, exc)
                raise ServiceUnavailable("authentication keys are unavailable") from None
            # Keep verifying with the last good keys rather than fail every request
            # while the user service is briefly unreachable.
            logger.warning("cannot refresh the JWKS from %s: %r", self._config.jwks_url, exc)
            return
        self._keys = keys
        self._loaded_at = now

    def _usable_keys(self, key_set: jwt.PyJWKSet) -> dict[str, jwt.PyJWK]:
        return {
            key.key_id: key
            for key in key_set
            if key.key_id
            and key.public_key_use in (None, "sig")
            and key.algorithm_name in self._config.algorithms
            and key.key_type == _KTY_FOR_ALG[key.algorithm_name]
        }


_bearer = HTTPBearer(
    auto_error=False, bearerFormat="JWT", description="An access token from /auth/login"
)


# The bearer credentials of a request, if any: for a dependency that finds the caller
# itself (``optional_principal(request, credentials)``) among other work, so FastAPI
# solves one dependency where it would solve three (ADR 0124).
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


# The caller of the request being handled, set by the authentication dependency.
principal_var: ContextVar[Principal | None] = ContextVar("agora_principal", default=None)


def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier | None = getattr(request.app.state, "jwks_verifier", None)
    if verifier is None:
        raise ServiceUnavailable("authentication is not configured")
    return verifier


async def optional_principal(request: Request, credentials: BearerCredentials) -> Principal | None:
    """The caller, or None when no credentials were sent; bad credentials are still 401.
    The caller is also left in ``principal_var`` for the audit trail (agora_kit.audit),
    which RequestContextMiddleware sets to None at each request's start."""
    if credentials is None:
        if request.headers.get("Authorization"):
            raise _invalid("unsupported authorization scheme")
        return None
    principal = await _verifier(request).verify(credentials.credentials)
    principal_var.set(principal)
    return principal


@requires_credentials
async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise Unauthorized("missing bearer token")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def require_roles(
    *roles: str, scope: str | None = None
) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency passing when the caller has at least one of ``roles``.

    Admin is not implied: list ``ROLE_ADMIN`` where admins should pass. A token derived
    from an API key (it has a ``scope`` claim) passes only when it allows ``scope``;
    with no ``scope`` the route is a person's act and keys are refused, as the gateway
    refuses them, so a key that reached the service directly gets no more than there.
    """
    if not roles or not set(roles) <= ALL_ROLES:
        raise ValueError(f"unknown or no roles: {roles}")
    if scope is not None and scope not in ALL_SCOPES:
        raise ValueError(f"unknown scope: {scope}")

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not any(principal.has_role(role) for role in roles):
            raise Forbidden("this action needs the role " + " or ".join(roles))
        if principal.scopes is not None:
            if scope is None:
                raise Forbidden(
                    "API keys cannot call this endpoint; sign in as the user",
                    headers={"WWW-Authenticate": 'Bearer error="insufficient_scope", scope=""'},
                )
            if not principal.allows(scope):
                raise _lacks((scope,))
        return principal

    return dependency


def _lacks(scopes: tuple[str, ...]) -> Forbidden:
    return Forbidden(
        "this API key lacks the scope " + " ".join(scopes),
        headers={
            "WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{" ".join(scopes)}"'
        },
    )


def _check_scopes(scopes: tuple[str, ...]) -> None:
    if not scopes or not set(scopes) <= ALL_SCOPES:
        raise ValueError(f"unknown or no scopes: {scopes}")


def _allowed(principal: Principal, scopes: tuple[str, ...]) -> Principal:
    missing = tuple(scope for scope in scopes if not principal.allows(scope))
    if missing:
        raise _lacks(missing)
    return principal


def require_scopes(*scopes: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency passing when the caller's token allows every one of ``scopes``."""
    _check_scopes(scopes)

    async def dependency(principal: CurrentPrincipal) -> Principal:
        return _allowed(principal, scopes)

    return dependency


def principal_user_id(principal: Principal, not_a_user: ProblemError | None = None) -> uuid.UUID:
    """The caller's user id: the token's subject as a UUID, as Agora's user ids are. A
    subject that is no UUID names no user; ``not_a_user`` is raised then (by default a
    401 saying so)."""
    try:
        return uuid.UUID(principal.user_id)
    except ValueError:
        raise (not_a_user or Unauthorized("the token's subject is not a user")) from None


def user_id_for(*scopes: str) -> Callable[[Principal], Awaitable[uuid.UUID]]:
    """A dependency giving the caller's user id when their token allows every one of
    ``scopes`` (``require_scopes``); a subject that is no user is 401."""
    _check_scopes(scopes)

    async def dependency(principal: CurrentPrincipal) -> uuid.UUID:
        return principal_user_id(_allowed(principal, scopes))

    return dependency
