"""The gateway journeys, against any running Agora: the e2e job runs them on a kind
cluster (``agora-ops journeys --gateway URL --mailpit URL``), the trace test on the
native fleet. Plain HTTP through the public API of ``shared/API.md``, nothing else,
so they prove what a client would see.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

API = "/api/v1"
PASSWORD = "correct horse battery staple 42"  # noqa: S105 - a test account's, made here
# A mail's verification link carries the token as a query parameter.
_TOKEN = re.compile(r"token=([A-Za-z0-9_\-.~%]+)")

MailReader = Callable[[str], str | None]


class JourneyFailed(AssertionError):
    """A step answered what a client would not expect."""


def _expect(response: httpx.Response, status: int, step: str) -> httpx.Response:
    if response.status_code != status:
        raise JourneyFailed(
            f"{step}: expected {status}, got {response.status_code}: {response.text[:500]}"
        )
    return response


@dataclass
class Customer:
    email: str
    user_id: str
    access_token: str = ""


def register(
    client: httpx.Client, email: str | None = None, headers: Mapping[str, str] | None = None
) -> Customer:
    email = email or f"journey-{secrets.token_hex(6)}@example.com"
    answer = _expect(
        client.post(
            f"{API}/auth/register",
            json={"email": email, "password": PASSWORD, "full_name": "Journey Tester"},
            headers=dict(headers or {}),
        ),
        201,
        "register",
    ).json()
    if answer.get("email") != email or answer.get("email_verified") is not False:
        raise JourneyFailed(f"register: unexpected body {answer}")
    return Customer(email=email, user_id=str(answer["id"]))


def verify_email(client: httpx.Client, customer: Customer, read_mail: MailReader) -> None:
    deadline = time.monotonic() + 60
    body = None
    while body is None and time.monotonic() < deadline:
        body = read_mail(customer.email)
        if body is None:
            time.sleep(0.5)
    if body is None:
        raise JourneyFailed(f"verify: no mail reached {customer.email} within 60 s")
    found = _TOKEN.search(body)
    if found is None:
        raise JourneyFailed("verify: the mail carries no token link")
    token = httpx.QueryParams(f"token={found.group(1)}")["token"]
    _expect(client.post(f"{API}/auth/verify-email", json={"token": token}), 204, "verify-email")


def log_in(client: httpx.Client, customer: Customer) -> None:
    tokens = _expect(
        client.post(f"{API}/auth/login", json={"email": customer.email, "password": PASSWORD}),
        200,
        "login",
    ).json()
    if tokens.get("token_type") != "bearer" or not tokens.get("access_token"):
        raise JourneyFailed(f"login: unexpected body {sorted(tokens)}")
    customer.access_token = tokens["access_token"]
    me = _expect(
        client.get(f"{API}/users/me", headers={"Authorization": f"Bearer {customer.access_token}"}),
        200,
        "users/me",
    ).json()
    if me.get("email") != customer.email:
        raise JourneyFailed(f"users/me: another account {me.get('email')}")


def browse(client: httpx.Client) -> None:
    """The catalog through the gateway, as an anonymous shopper."""
    categories = _expect(client.get(f"{API}/categories"), 200, "categories").json()
    if not isinstance(categories, (list, dict)):
        raise JourneyFailed("categories: not a list")
    products = _expect(client.get(f"{API}/products", params={"limit": 5}), 200, "products").json()
    if "items" not in products:
        raise JourneyFailed("products: no items")
    _expect(client.get(f"{API}/search", params={"q": "shirt"}), 200, "search")


def mailpit_reader(mailpit_url: str) -> MailReader:
    """Reads the newest mail to an address from Mailpit's API."""

    def read(address: str) -> str | None:
        found = httpx.get(
            f"{mailpit_url}/api/v1/search", params={"query": f"to:{address}"}, timeout=10
        ).json()
        messages = found.get("messages") or []
        if not messages:
            return None
        message = httpx.get(f"{mailpit_url}/api/v1/message/{messages[0]['ID']}", timeout=10).json()
        return str(message.get("Text") or "") + str(message.get("HTML") or "")

    return read


def run_all(gateway_url: str, read_mail: MailReader | None = None) -> list[str]:
    """Every journey, in order; the names of the steps that passed."""
    done = []
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        _expect(client.get("/readyz"), 200, "gateway readiness")
        done.append("gateway ready")
        customer = register(client)
        done.append("register")
        if read_mail is not None:
            verify_email(client, customer, read_mail)
            done.append("verify e-mail")
        log_in(client, customer)
        done.append("log in")
        browse(client)
        done.append("browse the catalog")
    return done
