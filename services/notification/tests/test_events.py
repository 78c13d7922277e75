"""What each event tells whom: vendors about their stores and stock, buyers about every
step of an order; contact data learned from the user service and erased with the
account."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from agora_contracts.catalog import (
    LowStock,
    ProductPublished,
    VariantSnapshot,
    VendorApplied,
    VendorApproved,
)
from agora_contracts.common import Money
from agora_contracts.order import (
    OrderDelivered,
    OrderLine,
    OrderRefunded,
    OrderShipped,
)
from agora_contracts.payment import PaymentFailed
from agora_contracts.user import (
    EmailVerificationRequested,
    PasswordChanged,
    PasswordResetRequested,
    SecondFactorLocked,
    UserDeleted,
)
from agora_kit.sealing import Sealer
from agora_kit.testing.waiting import eventually
from agora_notification_testing import (
    Mailbox,
    Notifications,
    confirmed,
    html_part,
    text_part,
)


async def test_a_vendor_hears_of_approval_and_low_stock(
    service: Notifications, mailbox: Mailbox
) -> None:
    owner = await service.person()
    vendor_id, product_id = uuid.uuid4(), uuid.uuid4()
    await service.deliver(VendorApplied(vendor_id=vendor_id, owner_id=owner.id, name="Ada's Teas"))
    await service.deliver(VendorApproved(vendor_id=vendor_id, owner_id=owner.id, name="Ada's Teas"))
    await service.deliver(
        ProductPublished(
            product_id=product_id,
            vendor_id=vendor_id,
            category_id=uuid.uuid4(),
            title="Earl Grey",
            variants=[
                VariantSnapshot(
                    sku="TEA-EARL", price=Money(amount=899, currency="EUR"), available=9
                )
            ],
        )
    )
    await service.deliver(
        LowStock(
            sku="TEA-EARL", vendor_id=vendor_id, product_id=product_id, available=3, threshold=5
        )
    )
    mails = {m["Subject"]: m for m in await mailbox.wait(owner.email, 2)}
    assert sorted(mails) == ["Low stock: Earl Grey", "Your store Ada's Teas is approved"]
    low = mails["Low stock: Earl Grey"]
    assert "3 left to sell, below your threshold of 5" in text_part(low)
    assert "http://shop.test/vendor/inventory/TEA-EARL" in text_part(low)


async def test_low_stock_of_an_unknown_store_waits_in_the_dead_letter_table(
    service: Notifications,
) -> None:
    await service.deliver(LowStock(sku="X-1", vendor_id=uuid.uuid4(), available=1, threshold=5))
    [dead] = await service.query("SELECT event_type, error FROM dead_letter")
    assert dead["event_type"] == "agora.catalog.inventory.low_stock.v1"
    assert "is not known yet" in dead["error"]


async def test_a_verification_sealed_under_another_key_waits_in_the_dead_letter_table(
    service: Notifications,
) -> None:
    # What another Agora's user service (another AGORA_MAIL_TOKEN_KEY) left on a shared
    # broker looks like here: no mail without the link, the event kept for an operator.
    person = await service.person()
    other = Sealer("the-key-of-another-agora-on-the-same-broker-48-chars")
    await service.deliver(
        EmailVerificationRequested(
            user_id=person.id,
            email=person.email,
            full_name="Ada",
            sealed_token=other.seal("tok-123"),
            expires_at=datetime.now(UTC) + timedelta(days=2),
        )
    )
    [dead] = await service.query("SELECT event_type, error, headers FROM dead_letter")
    assert dead["event_type"] == "agora.user.user.email_verification_requested.v2"
    assert dead["error"] == "InvalidToken()"
    assert dead["headers"]["ce_time"]  # when it was published: the chaos audit reads it
    assert await service.deliveries(person.id) == []


async def test_a_buyer_hears_of_every_step_of_an_order(
    service: Notifications, mailbox: Mailbox
) -> None:
    buyer = await service.person()
    order = confirmed(buyer)
    eur = Money(amount=3594, currency="EUR")
    await service.deliver(
        PaymentFailed(
            payment_id=uuid.uuid4(),
            order_id=order.order_id,
            buyer_id=buyer.id,
            reason="Your card was declined.",
            amount=eur,
            order_number="AG-1042",
        )
    )
    await service.deliver(order)
    await service.deliver(
        OrderShipped(
            order_id=order.order_id,
            buyer_id=buyer.id,
            carrier="DHL",
            tracking_number="JD014600006281230134",
            tracking_url="https://tracking.example/JD014600006281230134",
            lines=[OrderLine(sku="MUG-BLUE", quantity=2, title="Blue enamel mug")],
        )
    )
    await service.deliver(OrderDelivered(order_id=order.order_id, buyer_id=buyer.id))
    await service.deliver(
        OrderRefunded(
            order_id=order.order_id,
            buyer_id=buyer.id,
            amount=Money(amount=1250, currency="EUR"),
            reason="One mug arrived broken",
        )
    )
    # Sent side by side, so they may arrive in any order.
    mails = {m["Subject"]: m for m in await mailbox.wait(buyer.email, 5)}
    assert sorted(mails) == [
        "Payment for your Agora order AG-1042 did not go through",
        "Refund of €12.50 for your Agora order AG-1042",
        "Your Agora order AG-1042 is confirmed",
        "Your Agora order AG-1042 is on its way",
        "Your Agora order AG-1042 was delivered",
    ]
    failed = text_part(mails["Payment for your Agora order AG-1042 did not go through"])
    assert "€35.94" in failed
    assert "Your card was declined." in failed
    shipped = mails["Your Agora order AG-1042 is on its way"]
    assert "Carrier:         DHL" in text_part(shipped)
    assert "Tracking number: JD014600006281230134" in text_part(shipped)
    assert "https://tracking.example/JD014600006281230134" in html_part(shipped)
    refunded = text_part(mails["Refund of €12.50 for your Agora order AG-1042"])
    assert "Reason: One mug arrived broken" in refunded
    kinds = [e["kind"] for e in (await service.feed(buyer))["items"]]
    assert kinds == [
        "order_refunded",
        "order_delivered",
        "order_shipped",
        "order_confirmed",
        "payment_failed",
        "welcome",
    ]


async def test_account_mail_goes_to_the_address_the_event_names(
    service: Notifications, mailbox: Mailbox
) -> None:
    person = await service.person()
    new_address = f"new-{uuid.uuid4().hex[:8]}@example.com"
    await service.deliver(
        EmailVerificationRequested(
            user_id=person.id,
            email=new_address,
            full_name="Ada King",
            sealed_token=service.seal("tok-123"),
            expires_at=datetime.now(UTC) + timedelta(days=2),
        )
    )
    [mail] = await mailbox.wait(new_address)
    assert text_part(mail).startswith("Hi Ada King,")
    await service.deliver(
        PasswordChanged(
            user_id=person.id,
            email=new_address,
            full_name="Ada King",
            changed_at=datetime.now(UTC),
        )
    )
    mails = {m["Subject"]: m for m in await mailbox.wait(new_address, 2)}
    changed = mails["Your Agora password was changed"]
    assert "http://shop.test/forgot-password" in text_part(changed)


async def test_a_reset_link_reaches_the_mail_and_nothing_stored_keeps_the_token(
    service: Notifications, mailbox: Mailbox
) -> None:
    person = await service.person()
    token = "reset-" + uuid.uuid4().hex
    await service.deliver(
        PasswordResetRequested(
            user_id=person.id,
            email=person.email,
            full_name="Ada King",
            sealed_token=service.seal(token),
            expires_at=datetime.now(UTC) + timedelta(hours=1),
        )
    )
    [mail] = await mailbox.wait(person.email)
    assert f"http://shop.test/reset-password?token={token}" in text_part(mail)

    async def stored() -> str:
        rows = []
        for table in ("notifications", "deliveries", "delivery_attempts", "inbox"):
            found = await service.query(f'SELECT row_to_json(t)::text AS r FROM "{table}" t')
            rows += [r["r"] for r in found]
        return "\n".join(rows)

    text = await eventually(stored, lambda found: '"status":"sent"' in found)
    assert token not in text


async def test_a_locked_second_factor_mails_the_owner(
    service: Notifications, mailbox: Mailbox
) -> None:
    person = await service.person()
    await service.deliver(
        SecondFactorLocked(
            user_id=person.id,
            email=person.email,
            full_name="Ada King",
            failures=10,
            locked_until=datetime.now(UTC) + timedelta(minutes=15),
        )
    )
    [mail] = await mailbox.wait(person.email)
    assert mail["Subject"] == "Too many wrong codes for your Agora account"
    body = text_part(mail)
    assert "10 wrong two-factor codes" in body
    assert "http://shop.test/forgot-password" in body


async def test_erasure_forgets_the_person_and_stops_their_mail(
    service: Notifications, mailbox: Mailbox
) -> None:
    buyer = await service.person(phone="+447700900123")
    await service.deliver(confirmed(buyer))
    await mailbox.wait(buyer.email)
    await service.deliver(UserDeleted(user_id=buyer.id, deleted_at=datetime.now(UTC)))

    [contact] = await service.query("SELECT * FROM contacts WHERE user_id = :id", id=buyer.id)
    assert contact["deleted_at"] is not None
    assert (contact["email"], contact["full_name"], contact["locale"], contact["phone"]) == (
        None,
        None,
        None,
        None,
    )
    assert await service.query("SELECT * FROM notifications WHERE user_id = :id", id=buyer.id) == []
    assert await service.query("SELECT * FROM deliveries WHERE user_id = :id", id=buyer.id) == []
    assert (await service.feed(buyer))["items"] == []

    # A late event for the erased person sends nothing and stores nothing about them.
    await service.deliver(confirmed(buyer))
    await service.deliver(
        PasswordChanged(
            user_id=buyer.id, email=buyer.email, full_name="Ada", changed_at=datetime.now(UTC)
        )
    )
    rows = await eventually(
        lambda: service.query("SELECT * FROM contacts WHERE user_id = :id", id=buyer.id)
    )
    assert rows[0]["email"] is None
    assert await service.query("SELECT * FROM notifications WHERE user_id = :id", id=buyer.id) == []
    assert len(mailbox.to(buyer.email)) == 1
