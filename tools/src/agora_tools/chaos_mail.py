"""The audit's notification part: every order that was confirmed told its buyer once,
by a mail that arrived (see ``agora_tools.chaos``).

An ``OrderConfirmed`` lost between the order service's outbox and the notification
service's consumer would leave a confirmed order with no ``order_confirmed``
notification; one handled twice would make a second (the dedupe key forbids it, and
the audit checks it). The mail is sent at least once: a crash between the mail server's
acceptance and the delivery's commit sends it again with the same ``Message-ID``, so
receivers drop the copy. The audit counts such copies, and finds a problem only in a
confirmed order whose buyer got no mail, or got mails with different ``Message-ID``s.
"""

from __future__ import annotations

import asyncio
import time
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from agora_tools import fleetdb

KIND = "order_confirmed"


def received(mail_dir: Path) -> dict[str, list[str]]:
    """The mails under ``mail_dir`` (a maildir, or the .eml files of ``agora run``), by
    the notification each carries (``X-Agora-Notification``): the ``Message-ID`` of
    every copy that arrived."""
    parser = BytesHeaderParser()
    found: dict[str, list[str]] = {}
    if not mail_dir.exists():
        return found
    for path in mail_dir.rglob("*"):
        if not path.is_file():
            continue
        with path.open("rb") as message:
            headers = parser.parse(message)
        _, _, notification = str(headers.get("X-Agora-Notification", "")).partition("id=")
        if notification:
            found.setdefault(notification.strip(), []).append(str(headers["Message-ID"]))
    return found


async def _told(keys: list[str]) -> list[dict[str, Any]]:
    return await fleetdb.rows(
        fleetdb.url("agora_notification"),
        "SELECT n.id, n.dedupe_key, d.status FROM notifications n "
        "LEFT JOIN deliveries d ON d.notification_id = n.id AND d.channel = 'email' "
        "WHERE n.kind = :kind AND n.dedupe_key = ANY(:keys)",
        kind=KIND,
        keys=keys,
    )


async def audit_notifications(
    order_ids: list[str], mail_dir: Path | None, wait_seconds: float = 120
) -> tuple[dict[str, Any], list[str]]:
    """Counts and problems (see the module's docstring); waits up to ``wait_seconds``
    for the mails still queued."""
    confirmed = [
        str(row["order_id"])
        for row in await fleetdb.rows(
            fleetdb.url("agora_order"),
            "SELECT DISTINCT order_id FROM order_transitions "
            "WHERE to_status = 'confirmed' AND order_id = ANY(CAST(:ids AS uuid[]))",
            ids=order_ids,
        )
    ]
    keys = [f"{KIND}:{order_id}" for order_id in confirmed]
    deadline = time.monotonic() + wait_seconds
    rows = await _told(keys)
    while any(row["status"] == "pending" for row in rows) and time.monotonic() < deadline:
        await asyncio.sleep(1)
        rows = await _told(keys)
    by_key: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_key.setdefault(str(row["dedupe_key"]), []).append(row)
    problems = []
    for key in keys:
        found = by_key.get(key, [])
        notifications = {row["id"] for row in found}
        if not notifications:
            problems.append(f"{key}: the order was confirmed, its buyer never told")
        elif len(notifications) > 1:
            problems.append(f"{key}: its buyer was told {len(notifications)} times")
        elif [row["status"] for row in found] != ["sent"]:
            problems.append(f"{key}: its mail is {[row['status'] for row in found]}")
    arrivals = None if mail_dir is None else await asyncio.to_thread(received, mail_dir)
    copies = 0
    if arrivals is not None:
        for row in rows:
            if row["status"] != "sent":
                continue
            copies_of = arrivals.get(str(row["id"]), [])
            if not copies_of:
                problems.append(f"{row['dedupe_key']}: sent, but no mail arrived")
            elif len(set(copies_of)) > 1:
                problems.append(f"{row['dedupe_key']}: {len(set(copies_of))} different mails")
            copies += max(len(copies_of) - 1, 0)
    counts = {
        "orders_confirmed": len(confirmed),
        "buyers_told": sum(1 for key in keys if key in by_key),
        "mails_sent": sum(1 for row in rows if row["status"] == "sent"),
        "mail_copies_same_message_id": copies if arrivals is not None else None,
    }
    return counts, problems
