"""The catalog's wishlist alerts reach the buyer who wished the item: in the feed and
by e-mail, as their ``orders`` preferences allow, once per event."""

from __future__ import annotations

import uuid

from agora_contracts.catalog import WishedItemBackInStock, WishedItemPriceDropped
from agora_contracts.common import Money
from agora_notification_testing import Mailbox, Notifications, Person, html_part, text_part

EUR = "EUR"


def back(buyer: Person, product_id: uuid.UUID) -> WishedItemBackInStock:
    return WishedItemBackInStock(
        user_id=buyer.id,
        product_id=product_id,
        sku="TEA-EARL",
        title="Earl Grey",
        price=Money(amount=899, currency=EUR),
        available=5,
    )


def dropped(buyer: Person, product_id: uuid.UUID) -> WishedItemPriceDropped:
    return WishedItemPriceDropped(
        user_id=buyer.id,
        product_id=product_id,
        sku="TEA-EARL",
        title="Earl Grey",
        price=Money(amount=749, currency=EUR),
        previous_price=Money(amount=899, currency=EUR),
    )


async def test_a_buyer_hears_that_a_wished_item_is_back_and_cheaper(
    service: Notifications, mailbox: Mailbox
) -> None:
    buyer = await service.person()
    product_id = uuid.uuid4()
    event_id = await service.deliver(back(buyer, product_id), key=str(buyer.id))
    await service.deliver(dropped(buyer, product_id), key=str(buyer.id))
    # The same event again (at-least-once delivery) tells nobody twice.
    await service.deliver(back(buyer, product_id), key=str(buyer.id), event_id=event_id)

    mails = {m["Subject"]: m for m in await mailbox.wait(buyer.email, 2)}
    assert sorted(mails) == ["Back in stock: Earl Grey", "Price drop: Earl Grey"]
    restocked = text_part(mails["Back in stock: Earl Grey"])
    assert "is back in stock:\n5 to sell at €8.99" in restocked
    assert f"http://shop.test/products/{product_id}" in restocked
    cheaper = mails["Price drop: Earl Grey"]
    assert "€7.49, down from €8.99" in text_part(cheaper)
    assert f"http://shop.test/products/{product_id}" in html_part(cheaper)

    feed = (await service.feed(buyer))["items"]
    assert [e["kind"] for e in feed] == ["wishlist_price_drop", "wishlist_back_in_stock", "welcome"]
    assert feed[1]["link"] == f"http://shop.test/products/{product_id}"
    assert feed[1]["data"]["sku"] == "TEA-EARL"
    assert "back in stock at €8.99" in feed[1]["body"]
    assert "now costs €7.49 (was €8.99)" in feed[0]["body"]


async def test_a_buyer_without_order_mail_sees_the_alert_in_the_feed_only(
    service: Notifications, mailbox: Mailbox
) -> None:
    buyer = await service.person()
    answer = await service.client.put(
        "/api/v1/notifications/preferences",
        headers=buyer.headers,
        json={"preferences": {"orders": {"email": False}}},
    )
    assert answer.status_code == 200, answer.text
    await service.deliver(back(buyer, uuid.uuid4()), key=str(buyer.id))

    feed = (await service.feed(buyer))["items"]
    assert [e["kind"] for e in feed] == ["wishlist_back_in_stock", "welcome"]
    assert await service.deliveries(buyer.id, "wishlist_back_in_stock") == []
    assert [m["Subject"] for m in mailbox.to(buyer.email)] == []
