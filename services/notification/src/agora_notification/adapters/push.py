"""Push through Firebase Cloud Messaging (the HTTP v1 API) and Apple's APNs (its
HTTP/2 provider API with token-based authentication).

FCM: ``POST /v1/projects/{project}/messages:send`` with ``Authorization: Bearer`` an
OAuth 2.0 access token of a service account (scope ``firebase.messaging``), obtained
by ``google-auth`` from the account's JSON key (its ``token_uri``) and kept until it
expires; the body is ``{"message": {"token", "notification": {"title", "body"},
"data"}}`` with string values in ``data``.

APNs: ``POST /3/device/{token}`` over HTTP/2 with ``authorization: bearer`` a JWT
signed ES256 with the team's ``.p8`` key (``kid`` the key id, ``iss`` the team id,
``iat``), renewed every 40 minutes (Apple refuses one older than an hour and asks
for no more than one new token every 20 minutes), ``apns-topic`` the app's bundle id,
``apns-push-type: alert``; the body ``{"aps": {"alert": {"title", "body"}}}`` and the
data beside ``aps``.

Each sender keeps one ``httpx`` client, made at its first send, so that its
connection (for APNs, one HTTP/2 connection for many pushes, as Apple asks) serves
the next sends; ``aclose`` closes it when the dispatcher stops.

A token the provider no longer knows (FCM 404 ``UNREGISTERED``; APNs 400
``BadDeviceToken``, 410 ``Unregistered``) fails for good and the device is forgotten;
another 400 (a message the provider refuses) fails for good; a 401, 403, 429, 5xx or
no answer may pass later and is retried.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
from google.auth.exceptions import GoogleAuthError
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from agora_notification.adapters.base import DeliveryFailed, Outgoing

logger = logging.getLogger("agora.notification.push")

FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
APNS_TOKEN_LIFETIME_SECONDS = 40 * 60


def _strings(data: Any) -> dict[str, str]:
    # FCM's data and a client's handling of it are string to string.
    return {str(k): str(v) for k, v in (data or {}).items()}


def _reason(response: httpx.Response) -> str:
    try:
        parsed = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(parsed, dict):
        error = parsed.get("error")
        if isinstance(error, dict):
            return str(error.get("status") or error.get("message"))
        if "reason" in parsed:
            return str(parsed["reason"])
    return response.text[:200]


class FcmPushSender:
    channel = "push"

    def __init__(
        self, *, service_account_file: Path, project_id: str | None, base_url: str, timeout: float
    ) -> None:
        info = json.loads(service_account_file.read_text())
        self.credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=[FCM_SCOPE]
        )
        self.project_id = project_id or str(info["project_id"])
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._lock = asyncio.Lock()
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.timeout, trust_env=False)
        return self._http

    async def aclose(self) -> None:
        http, self._http = self._http, None
        if http is not None:
            await http.aclose()

    async def _access_token(self) -> str:
        async with self._lock:
            if not self.credentials.valid:
                # google-auth's refresh is synchronous (requests): off the event loop, and
                # bounded by the provider timeout, each request (google-auth's own is
                # 120 s) and the whole with its retries, so that a slow token endpoint
                # holds the dispatcher's workers, waiting on this lock, no longer.
                request = functools.partial(Request(), timeout=self.timeout)
                refresh = asyncio.to_thread(self.credentials.refresh, request)
                try:
                    await asyncio.wait_for(refresh, self.timeout)
                except TimeoutError:
                    raise TimeoutError(f"no answer within {self.timeout}s") from None
            return str(self.credentials.token)

    async def send(self, message: Outgoing) -> str | None:
        try:
            token = await self._access_token()
        except (GoogleAuthError, OSError) as exc:
            raise DeliveryFailed(f"no FCM access token: {exc}") from exc
        body = {
            "message": {
                "token": message.recipient,
                "notification": {
                    "title": message.content.get("title", ""),
                    "body": message.content.get("body", ""),
                },
                "data": _strings(message.content.get("data")),
            }
        }
        url = f"{self.base_url}/v1/projects/{self.project_id}/messages:send"
        try:
            response = await self._client().post(
                url, json=body, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 401:
            self.credentials.token = None  # refreshed on the next attempt
        if response.status_code != 200:
            reason = _reason(response)
            raise DeliveryFailed(
                f"FCM answered {response.status_code}: {reason}",
                permanent=response.status_code == 400,
                # NOT_FOUND (errorCode UNREGISTERED): the app left the device.
                recipient_gone=response.status_code == 404,
            )
        name = str(response.json().get("name", ""))
        logger.info("push %s accepted by FCM as %s", message.delivery_id, name)
        return name[-255:] or None


class ApnsPushSender:
    channel = "push"

    def __init__(
        self,
        *,
        key_file: Path,
        key_id: str,
        team_id: str,
        topic: str,
        base_url: str,
        timeout: float,
    ) -> None:
        self.key = key_file.read_text()
        self.key_id = key_id
        self.team_id = team_id
        self.topic = topic
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._token: tuple[str, float] | None = None
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            # APNs speaks HTTP/2 only: negotiated by TLS, or by prior knowledge over a
            # cleartext (local) endpoint.
            cleartext = self.base_url.startswith("http://")
            self._http = httpx.AsyncClient(
                http1=not cleartext, http2=True, timeout=self.timeout, trust_env=False
            )
        return self._http

    async def aclose(self) -> None:
        http, self._http = self._http, None
        if http is not None:
            await http.aclose()

    def _provider_token(self) -> str:
        now = time.time()
        if self._token is None or now - self._token[1] > APNS_TOKEN_LIFETIME_SECONDS:
            token = jwt.encode(
                {"iss": self.team_id, "iat": int(now)},
                self.key,
                algorithm="ES256",
                headers={"kid": self.key_id},
            )
            self._token = (token, now)
        return self._token[0]

    async def send(self, message: Outgoing) -> str | None:
        body = {
            "aps": {
                "alert": {
                    "title": message.content.get("title", ""),
                    "body": message.content.get("body", ""),
                }
            },
            **_strings(message.content.get("data")),
        }
        headers = {
            "authorization": f"bearer {self._provider_token()}",
            "apns-topic": self.topic,
            "apns-push-type": "alert",
            "apns-priority": "10",
            "apns-id": message.delivery_id,
        }
        try:
            response = await self._client().post(
                f"{self.base_url}/3/device/{message.recipient}", json=body, headers=headers
            )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 403:
            self._token = None  # an expired or refused provider token: a new one next time
        if response.status_code != 200:
            reason = _reason(response)
            raise DeliveryFailed(
                f"APNs answered {response.status_code}: {reason}",
                permanent=response.status_code == 400,
                recipient_gone=response.status_code == 410 or reason == "BadDeviceToken",
            )
        apns_id = response.headers.get("apns-id", message.delivery_id)
        logger.info("push %s accepted by APNs as %s", message.delivery_id, apns_id)
        return str(apns_id)
