"""The gateway journeys, against any running Agora: the e2e job runs them on a kind
cluster (``agora-ops journeys --gateway URL --mailpit URL``), the trace test on the
native fleet. Plain HTTP through the public API of ``docs/api/README.md``, nothing else,
so they prove what a client would see.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
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


# ---- selling and buying: a store, a product in stock, a checkout paid by card ----

ADDRESS = {
    "name": "Journey Tester",
    "line1": "1 Span Street",
    "city": "Jaegerville",
    "postal_code": "12345",
    "country": "DE",
}


def bearer(customer: Customer, headers: Mapping[str, str] | None = None) -> dict[str, str]:
    """The customer's ``Authorization`` header, with ``headers`` besides."""
    return {"Authorization": f"Bearer {customer.access_token}", **(headers or {})}


def eventually(check: Callable[[], object], timeout: float, step: str) -> object:
    """Poll ``check`` until it returns something truthy; JourneyFailed otherwise."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    raise JourneyFailed(f"{step}: not within {timeout:.0f} s (last: {last!r})")


def open_store(client: httpx.Client, owner: Customer, admin: Customer) -> str:
    """``owner`` applies to sell, ``admin`` approves; the store's id once ``owner`` logs
    in again with the ``vendor`` role the approval granted (the user service grants it
    on the catalog's event, so it may take a moment)."""
    vendor = _expect(
        client.post(
            f"{API}/vendors",
            json={"name": f"Store {secrets.token_hex(4)}", "description": "A journey's shop"},
            headers=bearer(owner),
        ),
        201,
        "apply to sell",
    ).json()
    _expect(
        client.patch(
            f"{API}/admin/vendors/{vendor['id']}",
            json={"status": "approved"},
            headers=bearer(admin),
        ),
        200,
        "approve the vendor",
    )

    def is_vendor() -> bool:
        me = client.get(f"{API}/users/me", headers=bearer(owner)).json()
        return "vendor" in (me.get("roles") or [])

    eventually(is_vendor, 60, "the vendor role")
    log_in(client, owner)  # a token with the role
    return str(vendor["id"])


def sell(
    client: httpx.Client, vendor: Customer, admin: Customer, *, amount: int = 1500, stock: int = 10
) -> str:
    """A published product of ``vendor`` (an approved one) with one SKU of ``stock``
    units at ``amount`` cents; its SKU."""
    category = _expect(
        client.post(
            f"{API}/categories",
            json={"name": f"Journey {secrets.token_hex(4)}"},
            headers=bearer(admin),
        ),
        201,
        "create a category",
    ).json()
    product = _expect(
        client.post(
            f"{API}/products",
            json={
                "title": "Journey product",
                "description": "Sold by a journey",
                "category_id": category["id"],
                "attributes": {},
            },
            headers=bearer(vendor),
        ),
        201,
        "create a product",
    ).json()
    sku = f"JRN-{secrets.token_hex(4).upper()}"
    _expect(
        client.post(
            f"{API}/products/{product['id']}/variants",
            json={
                "sku": sku,
                "price": {"amount": amount, "currency": "USD"},
                "attributes": {},
                "stock": stock,
            },
            headers=bearer(vendor),
        ),
        201,
        "add a variant",
    )
    _expect(
        client.post(f"{API}/products/{product['id']}/publish", headers=bearer(vendor)),
        200,
        "publish",
    )
    return sku


def add_to_cart(
    client: httpx.Client,
    buyer: Customer,
    sku: str,
    quantity: int = 1,
    headers: Mapping[str, str] | None = None,
) -> None:
    _expect(
        client.post(
            f"{API}/cart/items",
            json={"sku": sku, "quantity": quantity},
            headers=bearer(buyer, headers),
        ),
        200,
        "add to cart",
    )


def wait_until_sold(client: httpx.Client, buyer: Customer, sku: str, timeout: float = 60) -> None:
    """Until the order service's read model has ``sku`` (a cart accepts it); the cart
    is left empty."""

    def accepted() -> bool:
        added = client.post(
            f"{API}/cart/items", json={"sku": sku, "quantity": 1}, headers=bearer(buyer)
        )
        return added.status_code == 200

    eventually(accepted, timeout, f"the order service selling {sku}")
    _expect(client.delete(f"{API}/cart/items/{sku}", headers=bearer(buyer)), 200, "empty cart")


def shop_with_a_product(client: httpx.Client, admin: Customer) -> tuple[Customer, str]:
    """An approved store selling a product in stock, and a signed-in buyer whose cart
    accepts it: the buyer and the SKU. ``admin`` must be signed in."""
    vendor = register(client)
    log_in(client, vendor)
    open_store(client, vendor, admin)
    sku = sell(client, vendor, admin)
    buyer = register(client)
    log_in(client, buyer)
    wait_until_sold(client, buyer, sku)
    return buyer, sku


def buyers_for(
    users: httpx.Client, gateway: httpx.Client, skus: Iterable[str], count: int
) -> list[Customer]:
    """``count`` signed-in buyers, once every one of ``skus`` can be bought."""
    buyers = []
    for _ in range(count):
        buyer = register(users)
        log_in(users, buyer)
        buyers.append(buyer)
    for sku in skus:
        wait_until_sold(gateway, buyers[0], sku)
    return buyers


def check_out(
    client: httpx.Client,
    buyer: Customer,
    headers: Mapping[str, str] | None = None,
    *,
    payment_method: str | None = None,
) -> str:
    """Place the order of ``buyer``'s cart; its id. With ``payment_method`` the payment
    service confirms the payment itself, and the order needs no other call."""
    body: dict[str, object] = {"shipping_address": ADDRESS}
    if payment_method is not None:
        body["payment_method"] = payment_method
    placed = _expect(
        client.post(
            f"{API}/checkout",
            json=body,
            headers=bearer(buyer, {"Idempotency-Key": secrets.token_hex(8), **(headers or {})}),
        ),
        202,
        "checkout",
    ).json()
    if placed.get("status") != "pending":
        raise JourneyFailed(f"checkout: unexpected body {placed}")
    return str(placed["id"])


def order_in(
    client: httpx.Client,
    buyer: Customer,
    order_id: str,
    status: str,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> dict[str, object]:
    """The order once it is in ``status`` (awaiting payment: once it shows the intent)."""

    def reached() -> dict[str, object] | None:
        body: dict[str, object] = _expect(
            client.get(f"{API}/orders/{order_id}", headers=bearer(buyer, headers)),
            200,
            "order",
        ).json()
        if body.get("status") != status:
            return None
        payment = body.get("payment")
        if status == "awaiting_payment" and not (
            isinstance(payment, dict) and payment.get("client_secret")
        ):
            return None
        return body

    found = eventually(reached, timeout, f"order {order_id} {status}")
    assert isinstance(found, dict)
    return found


def pay(
    client: httpx.Client,
    buyer: Customer,
    payment_id: str,
    method: str = "pm_card_visa",
    headers: Mapping[str, str] | None = None,
) -> str:
    """Confirm the payment; its status: ``succeeded``, or ``processing`` when the
    provider decides later (by webhook)."""
    paid = _expect(
        client.post(
            f"{API}/payments/{payment_id}/confirm",
            json={"payment_method": method},
            headers={**bearer(buyer, headers), "Idempotency-Key": secrets.token_hex(12)},
        ),
        200,
        "confirm the payment",
    ).json()
    if paid.get("status") not in ("succeeded", "processing"):
        raise JourneyFailed(f"confirm: unexpected body {paid}")
    return str(paid["status"])
