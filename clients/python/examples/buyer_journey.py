"""A buyer's journey with the generated Python client: register, sign in, search,
fill the cart, check out paying by card, wait for the order to be confirmed.

    PYTHONPATH=clients/python python clients/python/examples/buyer_journey.py \\
        --gateway http://127.0.0.1:8000 --search "Journey product"

Prints the confirmed order as one JSON line; exits 1 with the reason otherwise.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
from typing import Any, TypeVar

from agora_client import AuthenticatedClient, Client
from agora_client.api.auth import auth_login, auth_register
from agora_client.api.cart import cart_items_create
from agora_client.api.orders import checkout_create, orders_get
from agora_client.api.products import products_get
from agora_client.api.search import search_list
from agora_client.models import (
    AddressIn,
    CartItemIn,
    CartOut,
    CheckoutIn,
    LoginIn,
    OrderOut,
    ProductOut,
    RegisterIn,
    SearchResponse,
    TokensOut,
    UserOut,
)

PASSWORD = "a long and quiet parade 42"  # noqa: S105 - the journey's own new account


T = TypeVar("T")


def expect(answer: object, kind: type[T], step: str) -> T:
    if not isinstance(answer, kind):
        raise SystemExit(f"{step}: expected {kind.__name__}, got {answer!r}")
    return answer


def journey(gateway: str, search: str) -> dict[str, Any]:
    # Registration, sign-in and search are open to anyone (`{}` among their security
    # requirements), but openapi-python-client types every operation with any
    # requirement for the signed-in client; a plain Client works for these.
    anonymous: Any = Client(base_url=gateway, raise_on_unexpected_status=True)
    email = f"python-client-{secrets.token_hex(6)}@example.com"
    expect(
        auth_register.sync(
            client=anonymous,
            body=RegisterIn(email=email, password=PASSWORD, full_name="Python Client"),
        ),
        UserOut,
        "register",
    )
    tokens = expect(
        auth_login.sync(client=anonymous, body=LoginIn(email=email, password=PASSWORD)),
        TokensOut,
        "log in",
    )
    buyer = AuthenticatedClient(
        base_url=gateway, token=tokens.access_token, raise_on_unexpected_status=True
    )

    deadline = time.monotonic() + 60
    found = expect(search_list.sync(client=anonymous, q=search), SearchResponse, "search")
    while not found.items and time.monotonic() < deadline:  # the index catches up
        time.sleep(0.5)
        found = expect(search_list.sync(client=anonymous, q=search), SearchResponse, "search")
    if not found.items:
        raise SystemExit(f"search: nothing found for {search!r}")
    product = expect(
        products_get.sync(client=anonymous, product_id=found.items[0].id), ProductOut, "product"
    )
    sku = product.variants[0].sku

    expect(
        cart_items_create.sync(client=buyer, body=CartItemIn(sku=sku, quantity=1)),
        CartOut,
        "add to cart",
    )
    order = expect(
        checkout_create.sync(
            client=buyer,
            body=CheckoutIn(
                shipping_address=AddressIn(
                    name="Python Client",
                    line1="1 Generated Street",
                    city="Typedville",
                    postal_code="12345",
                    country="DE",
                ),
                payment_method="pm_card_visa",
            ),
            idempotency_key=secrets.token_hex(12),
        ),
        OrderOut,
        "checkout",
    )
    deadline = time.monotonic() + 60
    while order.status != "confirmed" and time.monotonic() < deadline:
        time.sleep(0.5)
        order = expect(orders_get.sync(client=buyer, order_id=order.id), OrderOut, "order")
    if order.status != "confirmed":
        raise SystemExit(f"order {order.id} is {order.status}, not confirmed")
    return {
        "email": email,
        "sku": sku,
        "order_id": str(order.id),
        "status": str(order.status),
        "total": order.total.amount,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--search", required=True)
    args = parser.parse_args()
    print(json.dumps(journey(args.gateway, args.search)))


if __name__ == "__main__":
    sys.exit(main())
