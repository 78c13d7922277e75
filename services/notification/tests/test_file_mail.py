"""All-in-one mode has no SMTP server: mail becomes .eml files under the data directory."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import httpx

from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.apps import running
from agora_kit.testing.tokens import Keys
from agora_kit.testing.waiting import eventually
from agora_notification.app import create_app
from agora_notification.settings import Settings
from agora_notification_testing import Notifications, confirmed


async def test_mail_is_written_as_eml_files(
    settings: Settings, keys: Keys, transport: InProcessTransport, tmp_path: Path
) -> None:
    mail_dir = tmp_path / "data" / "mail"
    app = create_app(
        settings.model_copy(update={"email_backend": "file", "mail_dir": mail_dir}),
        transport=transport,
    )
    async with (
        running(app, keys),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client,
    ):
        service = Notifications(app, client, keys)
        buyer = await service.person()
        await service.deliver(confirmed(buyer))

        async def files() -> list[Path]:
            return sorted(mail_dir.glob("*.eml")) if mail_dir.exists() else []

        [path] = await eventually(files)

        async def email_delivery() -> dict[str, object]:
            rows = await service.deliveries(buyer.id, "order_confirmed")
            [row] = [r for r in rows if r["channel"] == "email"]
            return row

        # The file is written inside the delivery's transaction; the status follows.
        row = await eventually(email_delivery, lambda r: r["status"] == "sent")
    mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert mail["To"] == f"Ada Lovelace <{buyer.email}>"
    assert mail["Subject"] == "Your Agora order AG-1042 is confirmed"
    assert row["status"] == "sent"
    assert row["provider_message_id"] == str(path)
    assert list(mail_dir.glob("*.tmp")) == []
