"""Order and payment events become mail the buyer can act on, with the numbers of the
order, in the buyer's locale, once per event."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from agora_contracts.order import OrderCancelled, OrderLine, OrderPlaced
from agora_kit.testing.waiting import eventually
from agora_notification_testing import Mailbox, Notifications, confirmed, text_part


async def test_a_confirmed_order_mails_a_receipt_whose_totals_match_the_order(
    service: Notifications, mailbox: Mailbox
) -> None:
    buyer = await service.person()
    order = confirmed(buyer)
    await service.deliver(order)

    [mail] = await mailbox.wait(buyer.email)
    assert mail["Subject"] == "Your Agora order AG-1042 is confirmed"
    body = text_part(mail)
    assert "2 x Blue enamel mug at €12.50  €25.00" in body
    assert "1 x Earl Grey at €8.99  €8.99" in body
    amounts = dict(re.findall(r"^(Subtotal|Discount|Shipping|Tax|Total):\s+(\S+)$", body, re.M))
    assert amounts == {
        "Subtotal": "€33.99",
        "Discount": "-€3.00",
        "Shipping": "€4.95",
        "Tax": "€0.00",
        "Total": "€35.94",
    }
    # The receipt adds up: lines to the subtotal, and subtotal - discount + shipping.
    assert sum(line.line_total.amount for line in order.lines if line.line_total) == 3399
    assert order.total.amount == 3399 - 300 + 495 + 0 if order.total else False
    assert "Shipping to:\nAda Lovelace\n12 St James's Square" in body
    assert f"http://shop.test/orders/{order.order_id}" in body
    # Order mail can be unsubscribed from, with one click (RFC 8058).
    assert mail["List-Unsubscribe"].startswith("<http://api.test/api/v1/notifications/unsubscribe?")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    feed = await service.feed(buyer)
    assert [entry["kind"] for entry in feed["items"]] == ["order_confirmed", "welcome"]
    assert feed["items"][0]["body"] == "Order AG-1042 is confirmed: €35.94 paid. Thank you!"
    assert feed["items"][0]["data"]["order_id"] == str(order.order_id)


async def test_money_and_dates_follow_the_buyers_locale(
    service: Notifications, mailbox: Mailbox
) -> None:
    buyer = await service.person(locale="de-DE")
    await service.deliver(confirmed(buyer))
    [mail] = await mailbox.wait(buyer.email)
    body = text_part(mail)
    assert re.search(r"^Total:\s+35,94\xa0€$", body, re.M), body
    assert "21.11.2026, 10:00 UTC" in body


async def test_an_event_delivered_twice_sends_one_mail(
    service: Notifications, mailbox: Mailbox
) -> None:
    buyer = await service.person()
    order = confirmed(buyer)
    event_id = await service.deliver(order)
    await service.deliver(order, event_id=event_id)  # redelivered by the transport
    await service.deliver(order)  # announced again under a new id: still one order
    await mailbox.wait(buyer.email)
    deliveries = await eventually(
        lambda: service.deliveries(buyer.id, "order_confirmed"),
        lambda rows: all(r["status"] == "sent" for r in rows),
    )
    assert [d["status"] for d in deliveries] == ["sent"]
    assert len(mailbox.to(buyer.email)) == 1
    assert len((await service.feed(buyer))["items"]) == 2  # welcome, the order


async def test_a_cancellation_finds_its_buyer_from_the_placed_order(
    service: Notifications, mailbox: Mailbox
) -> None:
    buyer = await service.person()
    order_id = uuid.uuid4()
    await service.deliver(
        OrderPlaced(
            order_id=order_id,
            buyer_id=buyer.id,
            lines=[OrderLine(sku="MUG-BLUE", quantity=1)],
            placed_at=datetime.now(UTC),
        )
    )
    # The minimal contract's cancellation names no buyer.
    await service.deliver(OrderCancelled(order_id=order_id, reason="Payment timed out."))
    [mail] = await mailbox.wait(buyer.email)
    assert mail["Subject"].endswith("was cancelled")
    assert "Reason: Payment timed out." in text_part(mail)
