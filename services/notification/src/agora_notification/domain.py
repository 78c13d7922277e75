"""The words of the notification service: categories, channels, what each kind of
notification is, and the preference rules. Pure: no database, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Category = Literal["account", "orders", "messages", "marketing"]
Channel = Literal["email", "sms", "push", "in_app"]
# The channels a message is sent on; in_app is the feed, written directly.
SendChannel = Literal["email", "sms", "push"]

CATEGORIES: tuple[Category, ...] = get_args(Category)
CHANNELS: tuple[Channel, ...] = get_args(Channel)
SEND_CHANNELS: tuple[SendChannel, ...] = get_args(SendChannel)

# The PostgreSQL NOTIFY channel on which a new in-app notification reaches the live feed.
FEED_CHANNEL = "agora_notification_feed"

# Conversations (ADR 0119): what one is about, and the two sides of it. The store side
# is the store's owner for a product or an order, the admins for support.
About = Literal["product", "order", "support"]
Side = Literal["buyer", "store"]
ABOUTS: tuple[About, ...] = get_args(About)
SIDES: tuple[Side, ...] = get_args(Side)
# What an admin decided about a report of abuse (ADR 0119).
Outcome = Literal["dismissed", "removed"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
# Which reports an admin lists: the open ones (the queue), or the resolved ones.
ReportState = Literal["open", "resolved"]

# What a user gets before they touch their preferences. Marketing needs consent, so
# it starts off everywhere but the feed; SMS costs and interrupts, so it is opt-in.
DEFAULT_PREFERENCES: dict[Category, dict[Channel, bool]] = {
    "account": {"email": True, "sms": False, "push": True, "in_app": True},
    "orders": {"email": True, "sms": False, "push": True, "in_app": True},
    # A message from a store, a buyer or support, told when the recipient is offline.
    "messages": {"email": True, "sms": False, "push": True, "in_app": True},
    "marketing": {"email": False, "sms": False, "push": False, "in_app": True},
}
# Account and security mail cannot be switched off: a password reset link or a
# "your password was changed" warning must reach the owner.
LOCKED: frozenset[tuple[Category, Channel]] = frozenset({("account", "email")})

Preferences = dict[Category, dict[Channel, bool]]


def effective(stored: dict[tuple[str, str], bool]) -> Preferences:
    """The defaults overlaid with what the user chose; locked entries stay on."""
    result: Preferences = {}
    for category in CATEGORIES:
        result[category] = {}
        for channel in CHANNELS:
            value = stored.get((category, channel), DEFAULT_PREFERENCES[category][channel])
            result[category][channel] = value or (category, channel) in LOCKED
    return result


@dataclass(frozen=True)
class Kind:
    """One kind of notification: its template (``templates/<name>/``), its category,
    and the channels it may go out on (the user's preferences narrow them)."""

    name: str
    category: Category
    channels: tuple[SendChannel, ...] = ("email", "push")
    # Sent because the user just asked for it (a verification code): preferences do
    # not apply, it stays out of the feed, and its stored notification keeps the
    # subject, not the short text that carries the code.
    asked: bool = False


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("welcome", "account"),
        Kind("verify_email", "account", ("email",)),
        Kind("verify_phone", "account", ("sms",), asked=True),
        Kind("password_reset", "account", ("email",)),
        Kind("password_changed", "account", ("email", "sms", "push")),
        Kind("second_factor_locked", "account", ("email", "sms", "push")),
        Kind("vendor_approved", "account"),
        Kind("low_stock", "orders"),
        Kind("order_confirmed", "orders"),
        Kind("payment_failed", "orders", ("email", "sms", "push")),
        Kind("order_shipped", "orders", ("email", "sms", "push")),
        Kind("order_delivered", "orders"),
        Kind("order_cancelled", "orders"),
        Kind("order_refunded", "orders"),
        # Alerts the buyer asked for by wishing the item: shopping news, not marketing.
        Kind("wishlist_back_in_stock", "orders", ("email",)),
        Kind("wishlist_price_drop", "orders", ("email",)),
        # Account: a developer must hear that their integration stopped receiving.
        Kind("webhook_disabled", "account"),
        # A message while the recipient was offline, once until they read (ADR 0119).
        Kind("message_received", "messages"),
    )
}
