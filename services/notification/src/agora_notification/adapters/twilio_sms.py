"""SMS through Twilio's Programmable Messaging API, with the ``twilio`` library's
asynchronous client (``POST /2010-04-01/Accounts/{sid}/Messages.json``, HTTP Basic
auth with the account SID and auth token, a form body of ``To``, ``From`` or
``MessagingServiceSid``, and ``Body``).

The API's base URL is a setting, so tests (and a regional or mock endpoint) can take
Twilio's place. How a refusal is classified: a 400 or 404 (an invalid or unreachable
number, Twilio's 21xxx errors) is permanent; anything else (401 and 403 of a wrong
configuration, 429, 5xx, no answer) may pass later and is retried.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from agora_notification.adapters.base import DeliveryFailed, Outgoing

logger = logging.getLogger("agora.notification.twilio")

_PERMANENT = {400, 404}


class TwilioSmsSender:
    channel = "sms"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        sender: str,
        base_url: str,
        timeout_seconds: float,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        # A phone number in E.164, or a Messaging Service SID (MG...).
        self.sender = sender
        self.base_url = base_url.rstrip("/")
        self.timeout_seconds = timeout_seconds

    async def send(self, message: Outgoing) -> str | None:
        text = str(message.content.get("text", ""))
        origin = (
            {"messaging_service_sid": self.sender}
            if self.sender.startswith("MG")
            else {"from_": self.sender}
        )
        # A client (and its aiohttp session) per message, built inside the running
        # loop and closed whatever happens: nothing stays open between sends.
        http = AsyncTwilioHttpClient(timeout=self.timeout_seconds)
        client = Client(self.account_sid, self.auth_token, http_client=http)
        client.api.base_url = self.base_url
        try:
            # The library's own client timeout is not applied to its requests: bound
            # the whole exchange here.
            async with asyncio.timeout(self.timeout_seconds):
                sent = await client.messages.create_async(to=message.recipient, body=text, **origin)
        except TwilioRestException as exc:
            raise DeliveryFailed(
                f"Twilio answered {exc.status} (error {exc.code}): {exc.msg}",
                permanent=exc.status in _PERMANENT,
            ) from exc
        except (TwilioException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        finally:
            await http.close()
        logger.info("SMS %s accepted by Twilio as %s", message.delivery_id, sent.sid)
        return str(sent.sid)
