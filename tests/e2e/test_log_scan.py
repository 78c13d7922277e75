"""No secret in any log line or span: ``agora run`` at DEBUG, the most it ever says,
exporting every span to Jaeger, through an account's whole life with secrets in it
(password, verification and reset links, access and refresh tokens, a second factor's
secret and recovery codes, an API key, the new password), then every line it and its
PostgreSQL logged, and every span of the run Jaeger holds (its name, attributes and
events), is searched for each secret the journey used. (No route takes a card number:
payments take the provider's payment-method ids, and the sandbox answers with a label
like "Visa 4242".) The run needs the tests' Jaeger: without it the whole test skips
(fails under AGORA_REQUIRE_INFRA, as in CI), the log lines unscanned too."""

from __future__ import annotations

import email
import email.policy
import json
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest

from agora_tools import journeys
from agora_tools.deploy_testing import AllInOne
from agora_tools.pytest_plugin import JaegerServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

API = journeys.API
LINK = re.compile(r"https?://\S+?token=([A-Za-z0-9_\-.~%]+)")


class Secrets:
    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def add(self, what: str, value: str) -> str:
        assert len(value) >= 8, f"{what} is too short to search for"
        self.found[what] = value
        return value


def mails_to(mail_dir: Path, address: str) -> Iterator[str]:
    for path in sorted(mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address in str(message["To"]):
            body = message.get_body(("plain",))
            yield str(body.get_content()) if body is not None else ""


def link_in_mail(mail_dir: Path, address: str, path: str) -> tuple[str, str]:
    """The newest link to ``path`` in a mail to ``address``, and its token."""

    def find() -> tuple[str, str] | None:
        for body in reversed(list(mails_to(mail_dir, address))):
            for match in LINK.finditer(body):
                if path in match.group(0):
                    return match.group(0), httpx.QueryParams(f"t={match.group(1)}")["t"]
        return None

    found = journeys.eventually(find, 60, f"a mail with {path}")
    assert isinstance(found, tuple)
    return found


@pytest.fixture
def run(tmp_path: Path, jaeger_server: JaegerServer) -> Iterator[AllInOne]:
    env = {
        "AGORA_LOG_LEVEL": "DEBUG",
        # Every span, exported at once (the default sampler keeps every trace).
        "OTEL_EXPORTER_OTLP_ENDPOINT": jaeger_server.otlp_http_endpoint,
        "OTEL_BSP_SCHEDULE_DELAY": "200",
    }
    the_run = AllInOne(tmp_path / "data", env=env)
    try:
        the_run.start("--fresh", timeout=180)
        yield the_run
    finally:
        the_run.kill()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def live_an_accounts_life(run: AllInOne, mail_dir: Path) -> Secrets:
    found = Secrets()
    address = f"scan-{secrets.token_hex(4)}@example.com"
    password = found.add("password", f"scan {secrets.token_hex(8)} horse")
    with httpx.Client(base_url=run.url("gateway"), timeout=30) as client:
        answer = client.post(
            f"{API}/auth/register",
            json={"email": address, "password": password, "full_name": "Scan Tester"},
        )
        assert answer.status_code == 201, answer.text
        link, token = link_in_mail(mail_dir, address, "verify-email")
        found.add("verification link", link)
        found.add("verification token", token)
        assert client.post(f"{API}/auth/verify-email", json={"token": token}).status_code == 204

        login = {"email": address, "password": password}
        tokens = client.post(f"{API}/auth/login", json=login).json()
        access = found.add("access token", tokens["access_token"])
        found.add("refresh token", tokens["refresh_token"])
        refreshed = client.post(
            f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 200, refreshed.text
        access = found.add("refreshed access token", refreshed.json()["access_token"])
        found.add("refreshed refresh token", refreshed.json()["refresh_token"])

        enrolment = client.post(f"{API}/users/me/mfa/totp", headers=bearer(access))
        assert enrolment.status_code == 201, enrolment.text
        secret = found.add("TOTP secret", enrolment.json()["secret"])
        found.add("otpauth URI", enrolment.json()["otpauth_uri"])
        for n, code in enumerate(enrolment.json()["recovery_codes"]):
            found.add(f"recovery code {n}", code)
        confirmed = client.post(
            f"{API}/users/me/mfa/totp/confirm",
            json={"code": pyotp.TOTP(secret).now()},
            headers=bearer(access),
        )
        assert confirmed.status_code == 204, confirmed.text

        first = client.post(f"{API}/auth/login", json=login).json()
        mfa_token = found.add("MFA token", first["mfa_token"])
        # A recovery code: the TOTP code of this 30 s step was just used, and is refused.
        second = client.post(
            f"{API}/auth/login/mfa",
            json={"mfa_token": mfa_token, "code": enrolment.json()["recovery_codes"][0]},
        )
        assert second.status_code == 200, second.text
        access = found.add("access token after MFA", second.json()["access_token"])
        found.add("refresh token after MFA", second.json()["refresh_token"])

        made = client.post(
            f"{API}/users/me/api-keys",
            json={"name": "scan", "scopes": ["orders:read"]},
            headers=bearer(access),
        )
        assert made.status_code == 201, made.text
        key = found.add("API key", made.json()["key"])
        me = client.get(f"{API}/orders", headers={"X-API-Key": key})
        assert me.status_code == 200, me.text

        forgot = client.post(f"{API}/auth/password/forgot", json={"email": address})
        assert forgot.status_code == 202, forgot.text
        link, token = link_in_mail(mail_dir, address, "reset-password")
        found.add("reset link", link)
        found.add("reset token", token)
        new_password = found.add("new password", f"scan {secrets.token_hex(8)} staple")
        reset = client.post(
            f"{API}/auth/password/reset", json={"token": token, "new_password": new_password}
        )
        assert reset.status_code == 204, reset.text
        # A wrong password and a replayed reset token: failures are logged too.
        wrong = client.post(f"{API}/auth/login", json={**login, "password": password})
        assert wrong.status_code == 401
        replay = client.post(
            f"{API}/auth/password/reset", json={"token": token, "new_password": new_password}
        )
        assert replay.status_code >= 400
    return found


def spans_since(jaeger: JaegerServer, started: float) -> list[dict[str, Any]]:
    """Every span Jaeger holds of Agora's services since ``started`` (epoch seconds)."""
    services = httpx.get(f"{jaeger.query_url}/api/services", timeout=10).json()["data"] or []
    spans: list[dict[str, Any]] = []
    for service in (name for name in services if name.startswith("agora")):
        answer = httpx.get(
            f"{jaeger.query_url}/api/traces",
            params={"service": service, "start": int(started * 1e6), "limit": 10000},
            timeout=30,
        )
        answer.raise_for_status()
        for trace in answer.json()["data"] or []:
            spans += trace["spans"]
    return spans


def test_no_secret_of_a_journey_appears_in_any_log_line_or_span(
    run: AllInOne, jaeger_server: JaegerServer
) -> None:
    started = time.time()
    found = live_an_accounts_life(run, run.data_dir / "mail")
    assert run.stop() == 0, run.tail()  # stopping exports the spans left
    spans = spans_since(jaeger_server, started)
    # The run's spans are there: the scan read real ones.
    operations = {span["operationName"] for span in spans}
    assert any("/auth/login" in name for name in operations), sorted(operations)[:50]
    span_leaks = [
        f"{what} in span {span['operationName']!r}"
        for span in spans
        for what, value in found.found.items()
        if value in json.dumps(span)
    ]
    assert span_leaks == [], "\n".join(span_leaks)
    logs = {
        "agora run": run.log.read_text(errors="replace"),
        "postgresql": (run.data_dir / "postgres" / "postgres.log").read_text(errors="replace"),
    }
    # DEBUG said something about each request: the scan read real lines.
    assert logs["agora run"].count("\n") > 50, logs["agora run"][-2000:]
    leaks = [
        f"{what} in the {source} log: {line.strip()[:300]}"
        for source, text in logs.items()
        for line in text.splitlines()
        for what, value in found.found.items()
        if value in line
    ]
    assert leaks == [], "\n".join(leaks)
