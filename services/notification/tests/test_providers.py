"""The SMS and push adapters against local servers that check each request as the
provider documents it: Twilio's Messages API (form body, HTTP Basic auth), FCM HTTP
v1 (an OAuth 2.0 token from a service account's signed JWT, then the message) and
APNs (HTTP/2, an ES256 provider token). No phone network or provider is reachable
here: these servers stand in for them (ADR 0117)."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import parse_qs

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from agora_notification.adapters.base import DeliveryFailed, Outgoing
from agora_notification.adapters.providers import LoggingPushSender, LoggingSmsSender
from agora_notification.adapters.push import FCM_SCOPE, ApnsPushSender, FcmPushSender
from agora_notification.adapters.twilio_sms import TwilioSmsSender
from agora_notification.service.context import build_senders
from agora_notification.settings import Settings
from agora_notification_testing.providers import Http1Provider, Http2Provider, Reply, Request

SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "twilio-auth-token"
# What Google documents as the assertion's audience, wherever the token is asked.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
PUSH: dict[str, object] = {
    "title": "Shipped",
    "body": "Your order is on its way",
    "data": {"kind": "x", "n": 2},
}


def _outgoing(channel: str, recipient: str, content: Mapping[str, object]) -> Outgoing:
    return Outgoing(str(uuid.uuid4()), channel, recipient, None, dict(content))


@pytest.fixture
def twilio() -> Iterator[Http1Provider]:
    def script(request: Request) -> Reply | None:
        to = parse_qs(request.body.decode())["To"][0]
        if to == "+15005550001":  # Twilio's documented invalid number
            return Reply(400, {"code": 21211, "message": "Invalid 'To' Phone Number"})
        if to == "+15005550009":
            return Reply(503, {"code": 20503, "message": "Service unavailable"})
        return Reply(201, {"sid": "SM" + "a" * 32, "status": "queued", "to": to})

    server = Http1Provider(script)
    yield server
    server.close()


def _twilio_sender(url: str, sender: str = "+15005550006") -> TwilioSmsSender:
    return TwilioSmsSender(
        account_sid=SID, auth_token=AUTH_TOKEN, sender=sender, base_url=url, timeout_seconds=5
    )


async def test_twilio_posts_the_documented_form_with_basic_auth(twilio: Http1Provider) -> None:
    sent = await _twilio_sender(twilio.url).send(
        _outgoing("sms", "+447700900123", {"text": "Agora: code 123456 é"})
    )

    assert sent == "SM" + "a" * 32
    (request,) = twilio.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
    expected = base64.b64encode(f"{SID}:{AUTH_TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert parse_qs(request.body.decode()) == {
        "To": ["+447700900123"],
        "From": ["+15005550006"],
        "Body": ["Agora: code 123456 é"],
    }


async def test_twilio_messaging_service_and_refusals(twilio: Http1Provider) -> None:
    await _twilio_sender(twilio.url, "MG" + "b" * 32).send(
        _outgoing("sms", "+447700900123", {"text": "hi"})
    )
    form = parse_qs(twilio.requests[0].body.decode())
    assert form["MessagingServiceSid"] == ["MG" + "b" * 32]
    assert "From" not in form

    with pytest.raises(DeliveryFailed) as invalid:
        await _twilio_sender(twilio.url).send(_outgoing("sms", "+15005550001", {"text": "x"}))
    assert invalid.value.permanent
    assert "21211" in invalid.value.reason
    with pytest.raises(DeliveryFailed) as down:
        await _twilio_sender(twilio.url).send(_outgoing("sms", "+15005550009", {"text": "x"}))
    assert not down.value.permanent


async def test_twilio_unreachable_is_retried() -> None:
    server = Http1Provider(lambda _: None)
    url = server.url
    server.close()
    with pytest.raises(DeliveryFailed) as failed:
        await _twilio_sender(url).send(_outgoing("sms", "+447700900123", {"text": "x"}))
    assert not failed.value.permanent


async def test_twilio_that_does_not_answer_in_time_is_retried() -> None:
    def slow(_: Request) -> Reply:
        time.sleep(1.5)
        return Reply(201, {"sid": "SM1"})

    server = Http1Provider(slow)
    sender = TwilioSmsSender(
        account_sid=SID,
        auth_token=AUTH_TOKEN,
        sender="+15005550006",
        base_url=server.url,
        timeout_seconds=0.3,
    )
    started = time.monotonic()
    try:
        with pytest.raises(DeliveryFailed) as late:
            await sender.send(_outgoing("sms", "+447700900123", {"text": "x"}))
    finally:
        server.close()
    assert not late.value.permanent
    assert time.monotonic() - started < 1.4


def _rsa_pem() -> tuple[str, rsa.RSAPublicKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return pem, key.public_key()


async def test_fcm_gets_an_oauth_token_then_sends_the_v1_message(tmp_path: Path) -> None:
    pem, public = _rsa_pem()

    def script(request: Request) -> Reply | None:
        if request.path == "/token":
            return Reply(
                200, {"access_token": "ya29.test", "expires_in": 3600, "token_type": "Bearer"}
            )
        if request.path == "/v1/projects/agora-test/messages:send":
            if request.json["message"]["token"] == "gone-device":
                return Reply(
                    404,
                    {
                        "error": {
                            "code": 404,
                            "status": "NOT_FOUND",
                            "details": [{"errorCode": "UNREGISTERED"}],
                        }
                    },
                )
            return Reply(200, {"name": "projects/agora-test/messages/0:1500415314455276"})
        return None

    server = Http1Provider(script)
    try:
        key_file = tmp_path / "service-account.json"
        key_file.write_text(
            json.dumps(
                {
                    "type": "service_account",
                    "project_id": "agora-test",
                    "private_key_id": "k1",
                    "private_key": pem,
                    "client_email": "push@agora-test.iam.gserviceaccount.com",
                    "client_id": "1",
                    "token_uri": f"{server.url}/token",
                }
            )
        )
        sender = FcmPushSender(
            service_account_file=key_file, project_id=None, base_url=server.url, timeout=5
        )
        sent = await sender.send(_outgoing("push", "device-token-1", PUSH))
        await sender.send(_outgoing("push", "device-token-2", PUSH))
        with pytest.raises(DeliveryFailed) as gone:
            await sender.send(_outgoing("push", "gone-device", PUSH))
    finally:
        await sender.aclose()
        server.close()

    assert sent == "projects/agora-test/messages/0:1500415314455276"
    # One connection for the token, one kept for the three messages.
    assert server.connections == 2
    assert gone.value.permanent
    assert gone.value.recipient_gone
    # One token for every send while it is valid: RFC 7523's JWT bearer grant.
    (token_request,) = server.to("/token")
    form = parse_qs(token_request.body.decode())
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    claims = jwt.decode(
        form["assertion"][0], public, algorithms=["RS256"], audience=GOOGLE_TOKEN_AUDIENCE
    )
    assert claims["iss"] == "push@agora-test.iam.gserviceaccount.com"
    assert claims["scope"] == FCM_SCOPE
    first = server.to("/v1/")[0]
    assert first.method == "POST"
    assert first.headers["authorization"] == "Bearer ya29.test"
    assert first.headers["content-type"] == "application/json"
    assert first.json == {
        "message": {
            "token": "device-token-1",
            "notification": {"title": "Shipped", "body": "Your order is on its way"},
            "data": {"kind": "x", "n": "2"},
        }
    }


def _service_account(path: Path, token_uri: str) -> Path:
    pem, _ = _rsa_pem()
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "agora-test",
                "private_key": pem,
                "client_email": "push@agora-test.iam.gserviceaccount.com",
                "token_uri": token_uri,
            }
        )
    )
    return path


async def test_fcm_token_endpoint_that_does_not_answer_in_time_fails_for_now_within_the_timeout(
    tmp_path: Path,
) -> None:
    def slow(_: Request) -> Reply:
        time.sleep(1.5)
        return Reply(200, {"access_token": "late", "expires_in": 3600, "token_type": "Bearer"})

    server = Http1Provider(slow)
    sender = FcmPushSender(
        service_account_file=_service_account(tmp_path / "sa.json", f"{server.url}/token"),
        project_id=None,
        base_url=server.url,
        timeout=0.3,
    )
    started = time.monotonic()
    try:
        with pytest.raises(DeliveryFailed) as late:
            await sender.send(_outgoing("push", "device-token-1", PUSH))
    finally:
        server.close()
    assert not late.value.permanent
    assert "no FCM access token" in late.value.reason
    assert time.monotonic() - started < 1.4
    assert server.to("/v1/") == []


async def test_apns_posts_over_http2_with_a_provider_token(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    key_file = tmp_path / "AuthKey_ABC123DEFG.p8"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )

    def script(request: Request) -> Reply | None:
        if request.path == "/3/device/gone":
            return Reply(410, {"reason": "Unregistered", "timestamp": 1700000000000})
        return Reply(200, {}, {"apns-id": request.headers["apns-id"]})

    server = Http2Provider(script)
    try:
        sender = ApnsPushSender(
            key_file=key_file,
            key_id="ABC123DEFG",
            team_id="DEF123GHIJ",
            topic="com.example.agora",
            base_url=server.url,
            timeout=5,
        )
        message = _outgoing("push", "a1b2c3", PUSH)
        sent = await sender.send(message)
        with pytest.raises(DeliveryFailed) as gone:
            await sender.send(_outgoing("push", "gone", PUSH))
    finally:
        await sender.aclose()
        server.close()

    assert sent == message.delivery_id
    # One HTTP/2 connection kept for both pushes, as Apple asks of providers.
    assert server.connections == 1
    assert gone.value.recipient_gone
    assert "Unregistered" in gone.value.reason
    request = server.requests[0]
    assert (request.method, request.path) == ("POST", "/3/device/a1b2c3")
    assert request.headers["apns-topic"] == "com.example.agora"
    assert request.headers["apns-push-type"] == "alert"
    assert request.headers["apns-priority"] == "10"
    scheme, token = request.headers["authorization"].split(" ")
    assert scheme == "bearer"
    assert jwt.get_unverified_header(token) == {"alg": "ES256", "kid": "ABC123DEFG", "typ": "JWT"}
    assert jwt.decode(token, key.public_key(), algorithms=["ES256"])["iss"] == "DEF123GHIJ"
    assert request.json == {
        "aps": {"alert": {"title": "Shipped", "body": "Your order is on its way"}},
        "kind": "x",
        "n": "2",
    }


def test_settings_choose_the_adapters(tmp_path: Path) -> None:
    base = {"database_url": "postgresql+asyncpg://x@127.0.0.1/x", "mail_token_key": "k" * 43}
    senders = build_senders(Settings.model_validate(base))
    assert isinstance(senders["sms"], LoggingSmsSender)
    assert isinstance(senders["push"], LoggingPushSender)

    with pytest.raises(ValueError, match="AGORA_NOTIFICATION_TWILIO_AUTH_TOKEN"):
        Settings.model_validate({**base, "sms_provider": "twilio", "twilio_account_sid": SID})
    pem, _ = _rsa_pem()
    (tmp_path / "sa.json").write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "p",
                "private_key": pem,
                "client_email": "a@p.iam.gserviceaccount.com",
                "token_uri": "http://127.0.0.1:9/token",
            }
        )
    )
    chosen = Settings.model_validate(
        {
            **base,
            "sms_provider": "twilio",
            "twilio_account_sid": SID,
            "twilio_auth_token": AUTH_TOKEN,
            "twilio_from": "+15005550006",
            "push_provider": "fcm",
            "fcm_service_account_file": tmp_path / "sa.json",
        }
    )
    senders = build_senders(chosen)
    assert isinstance(senders["sms"], TwilioSmsSender)
    assert isinstance(senders["push"], FcmPushSender)
