"""Which service answers which public path, and which API-key scopes each route needs.

Only the public paths of docs/api/README.md are routed: a service's internal endpoints
(``/internal/...``), health and metrics have no route here, so the outside never
reaches them. Route patterns (used by settings too) read ``[METHOD ]PATH``: ``*``
matches one path segment, ``**`` the rest of the path (or nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from agora_kit.auth import (
    SCOPE_CATALOG_READ,
    SCOPE_INVENTORY_WRITE,
    SCOPE_ORDERS_READ,
    SCOPE_ORDERS_WRITE,
    SCOPE_WEBHOOKS_WRITE,
)

API = "/api/v1"

# Longest prefix first, so /admin/users goes to user and /admin/vendors to catalog.
ROUTES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        (
            ("/.well-known/jwks.json", "user"),
            (f"{API}/auth", "user"),
            (f"{API}/users", "user"),
            (f"{API}/admin/users", "user"),
            (f"{API}/admin/audit", "user"),
            (f"{API}/vendors", "catalog"),
            (f"{API}/vendors/me/payouts", "payment"),
            (f"{API}/vendors/me/connect", "payment"),
            (f"{API}/vendors/me/stats", "order"),
            (f"{API}/admin/vendors", "catalog"),
            (f"{API}/categories", "catalog"),
            (f"{API}/products", "catalog"),
            (f"{API}/inventory", "catalog"),
            (f"{API}/search", "catalog"),
            (f"{API}/wishlist", "catalog"),
            (f"{API}/currencies", "catalog"),
            (f"{API}/cart", "order"),
            (f"{API}/checkout", "order"),
            (f"{API}/orders", "order"),
            (f"{API}/vendor/orders", "order"),
            (f"{API}/vendor/shipping-zones", "order"),
            (f"{API}/vendor/returns", "order"),
            (f"{API}/admin/coupons", "order"),
            (f"{API}/admin/analytics", "order"),
            (f"{API}/admin/orders", "order"),
            (f"{API}/payments", "payment"),
            (f"{API}/admin/payments", "payment"),
            (f"{API}/admin/payouts", "payment"),
            (f"{API}/admin/ledger", "payment"),
            (f"{API}/admin/connect-accounts", "payment"),
            (f"{API}/notifications", "notification"),
            (f"{API}/webhooks", "notification"),
            (f"{API}/conversations", "notification"),
            (f"{API}/admin/message-reports", "notification"),
        ),
        key=lambda route: -len(route[0]),
    )
)

# Paths answered with a WebSocket upgrade, proxied with the same edge authentication.
WEBSOCKET_ROUTES: tuple[str, ...] = (f"{API}/notifications/ws",)


def upstream_for(path: str) -> tuple[str, str] | None:
    """``(service, prefix)`` of the route serving ``path``, or None."""
    for prefix, service in ROUTES:
        if path == prefix or path.startswith(prefix + "/"):
            return service, prefix
    return None


T = TypeVar("T")
_ANY_METHOD = "*"


def _compile(path_pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    for segment in path_pattern.strip("/").split("/"):
        if segment == "**":
            parts.append("(?:/.*)?")
        elif segment == "*":
            parts.append("/[^/]+")
        else:
            parts.append("/" + re.escape(segment))
    return re.compile("".join(parts) + "/?")


@dataclass(frozen=True)
class Rule(Generic[T]):
    method: str
    pattern: str
    regex: re.Pattern[str]
    value: T

    def matches(self, method: str, path: str) -> bool:
        if self.method not in (_ANY_METHOD, method) and not (
            self.method == "GET" and method == "HEAD"
        ):
            return False
        return self.regex.fullmatch(path) is not None


class RuleTable(Generic[T]):
    """Patterns to values; the first matching rule wins, in the order given."""

    def __init__(self, rules: Iterable[tuple[str, T]]) -> None:
        self.rules: list[Rule[T]] = []
        for spec, value in rules:
            method, _, path = spec.strip().rpartition(" ")
            method = method.strip().upper() or _ANY_METHOD
            self.rules.append(Rule(method, path, _compile(path), value))

    @classmethod
    def most_specific_first(cls, rules: Mapping[str, T]) -> RuleTable[T]:
        """From a settings map: longer literal patterns and explicit methods first."""

        def weight(item: tuple[str, T]) -> tuple[int, int, int]:
            method, _, path = item[0].strip().rpartition(" ")
            literal = len(path.replace("**", "").replace("*", ""))
            return (-literal, path.count("*"), 0 if method.strip() else 1)

        return cls(sorted(rules.items(), key=weight))

    def lookup(self, method: str, path: str) -> Rule[T] | None:
        for rule in self.rules:
            if rule.matches(method, path):
                return rule
        return None


# What an API key needs to call a route: any one of the scopes listed. An empty tuple
# means no scope covers the route (an account, admin or a person's own act): keys get
# 403. None means the route is open to anyone, keys included. Sessions (tokens without
# a `scope` claim) are not limited by scopes; the services check their roles.
# First match wins: specific rules before general ones.
READ_CATALOG = (SCOPE_CATALOG_READ, SCOPE_INVENTORY_WRITE)
PERSON_ONLY: tuple[str, ...] = ()
SCOPE_RULES: RuleTable[tuple[str, ...] | None] = RuleTable(
    [
        ("/.well-known/jwks.json", None),
        (f"POST {API}/payments/webhooks/**", None),
        (f"{API}/auth/**", PERSON_ONLY),
        (f"{API}/users/**", PERSON_ONLY),
        (f"{API}/admin/**", PERSON_ONLY),
        (f"GET {API}/vendors/me/**", PERSON_ONLY),
        (f"GET {API}/vendors/**", READ_CATALOG),
        (f"GET {API}/categories/**", READ_CATALOG),
        (f"GET {API}/search/**", READ_CATALOG),
        (f"GET {API}/currencies", READ_CATALOG),
        (f"POST {API}/products/*/reviews", PERSON_ONLY),
        (f"GET {API}/products/**", READ_CATALOG),
        (f"{API}/products/**", (SCOPE_INVENTORY_WRITE,)),
        (f"{API}/inventory/**", (SCOPE_INVENTORY_WRITE,)),
        (f"{API}/cart/**", (SCOPE_ORDERS_WRITE,)),
        (f"{API}/checkout/**", (SCOPE_ORDERS_WRITE,)),
        (f"POST {API}/orders/*/cancel", (SCOPE_ORDERS_WRITE,)),
        (f"POST {API}/orders/*/returns", (SCOPE_ORDERS_WRITE,)),
        (f"GET {API}/orders/**", (SCOPE_ORDERS_READ,)),
        (f"POST {API}/vendor/orders/*/ship", (SCOPE_ORDERS_WRITE,)),
        (f"POST {API}/vendor/orders/*/deliver", (SCOPE_ORDERS_WRITE,)),
        (f"GET {API}/vendor/orders/**", (SCOPE_ORDERS_READ,)),
        (f"POST {API}/vendor/returns/*/*", (SCOPE_ORDERS_WRITE,)),
        (f"GET {API}/vendor/returns/**", (SCOPE_ORDERS_READ,)),
        (f"POST {API}/payments/*/confirm", (SCOPE_ORDERS_WRITE,)),
        (f"GET {API}/payments/**", (SCOPE_ORDERS_READ,)),
        (f"{API}/webhooks/**", (SCOPE_WEBHOOKS_WRITE,)),
        # Applying to sell, editing a store, categories (admin), notifications: people.
        ("/**", PERSON_ONLY),
    ]
)


def scopes_for(method: str, path: str) -> tuple[str, ...] | None:
    rule = SCOPE_RULES.lookup(method, path)
    return rule.value if rule is not None else PERSON_ONLY
