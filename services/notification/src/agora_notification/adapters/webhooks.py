"""Sending a webhook: Standard Webhooks signatures, and an HTTP POST that cannot be
turned against the inside of the network (SSRF).

A URL's host is resolved, every address it resolves to must be public
(``ipaddress``' ``is_global``, and not multicast) unless private addresses are allowed
(development and tests), and the request goes to the checked address itself, with the
URL's host in ``Host`` and in TLS (SNI and certificate check): a name that resolves to
a public address when checked and to a private one a moment later (DNS rebinding)
never reaches the private one. Redirects are not followed, the answer's body is read
up to a cap, and the whole exchange has a short timeout.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import secrets
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UrlRefused(ValueError):
    """The URL may not receive webhooks; the message says why, in words for a client."""


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``id.timestamp.body`` under ``secret``."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers_for(
    secrets_: list[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The Standard Webhooks headers; one signature per secret, space-separated."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, message_id, timestamp, body) for s in secrets_),
        "content-type": "application/json",
        "user-agent": "Agora-Webhooks/1",
    }


def check_syntax(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of an acceptable URL; raises :class:`UrlRefused`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UrlRefused("the URL is malformed") from None
    if parts.scheme not in ("http", "https"):
        raise UrlRefused("only http and https URLs can receive webhooks")
    if not parts.hostname:
        raise UrlRefused("the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("the URL must not carry credentials")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def refused_address(address: IPAddress) -> bool:
    """Not a public unicast address: private, loopback, link-local, reserved..."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


async def resolve(url: str, *, allow_private: bool) -> tuple[str, IPAddress]:
    """The URL's host and the one address to connect to, after checking every address
    the host resolves to; raises :class:`UrlRefused`."""
    _, host, port = check_syntax(url)
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError):
            raise UrlRefused(f"the host {host} cannot be resolved") from None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise UrlRefused(f"the host {host} cannot be resolved")
    if not allow_private:
        bad = [a for a in addresses if refused_address(a)]
        if bad:
            raise UrlRefused(f"the host {host} resolves to a non-public address ({bad[0]})")
    return host, addresses[0]


@dataclass(frozen=True)
class Answer:
    """What an attempt came to: the status (None when no answer came), how long it
    took, and an error for the log."""

    status: int | None
    latency_ms: int
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class WebhookClient:
    """POSTs signed bodies to checked addresses (see the module doc)."""

    def __init__(
        self, *, allow_private: bool, timeout_seconds: float, max_response_bytes: int
    ) -> None:
        self.allow_private = allow_private
        self.max_response_bytes = max_response_bytes
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds),
            follow_redirects=False,
            trust_env=False,  # never through a proxy from the environment
        )
        self._timeout = timeout_seconds

    async def aclose(self) -> None:
        await self._http.aclose()

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        started = time.monotonic()

        def took() -> int:
            return int((time.monotonic() - started) * 1000)

        try:
            # The timeout covers the name's resolution too: a slow resolver holds the
            # delivery's row and a worker loop no longer than a slow receiver does.
            async with asyncio.timeout(self._timeout):
                try:
                    host, address = await resolve(url, allow_private=self.allow_private)
                except UrlRefused as exc:
                    return Answer(None, took(), f"refused: {exc}")
                parts = urlsplit(url)
                literal = f"[{address}]" if address.version == 6 else str(address)
                netloc = f"{literal}:{parts.port}" if parts.port else literal
                target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
                extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
                request = self._http.build_request(
                    "POST",
                    target,
                    content=body,
                    headers={**headers, "host": parts.netloc.rpartition("@")[2]},
                    extensions=extensions,
                )
                response = await self._http.send(request, stream=True)
                try:
                    read = 0
                    async for chunk in response.aiter_raw():
                        read += len(chunk)
                        if read >= self.max_response_bytes:
                            break
                finally:
                    await response.aclose()
        except TimeoutError:
            return Answer(None, took(), "timed out")
        except httpx.HTTPError as exc:
            return Answer(None, took(), f"{type(exc).__name__}: {exc}"[:500])
        error = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
        return Answer(response.status_code, took(), error)
