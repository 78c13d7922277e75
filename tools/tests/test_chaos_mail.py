"""The chaos audit's mail count: the copies of each notification's mail that arrived,
found by its ``X-Agora-Notification`` header, wherever in the directory they lie."""

from __future__ import annotations

from pathlib import Path

from agora_tools.chaos_mail import received


def mail(path: Path, notification: str, message_id: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        b"Subject: Your order\r\n"
        b"Message-ID: " + message_id.encode() + b"\r\n"
        b"X-Agora-Notification: order_confirmed; id=" + notification.encode() + b"\r\n"
        b"\r\nHello\r\n"
    )


def test_copies_are_counted_by_notification(tmp_path: Path) -> None:
    mail(tmp_path / "new" / "1", "n-1", "<a@agora.local>")
    mail(tmp_path / "cur" / "2", "n-1", "<a@agora.local>")  # resent after a crash
    mail(tmp_path / "new" / "3", "n-2", "<b@agora.local>")
    mail(tmp_path / "new" / "4", "n-2", "<c@agora.local>")  # a second, different mail
    (tmp_path / "new" / "5").write_bytes(b"Subject: not ours\r\n\r\nHi\r\n")

    found = received(tmp_path)

    assert sorted(found) == ["n-1", "n-2"]
    assert found["n-1"] == ["<a@agora.local>", "<a@agora.local>"]
    assert sorted(found["n-2"]) == ["<b@agora.local>", "<c@agora.local>"]


def test_no_directory_is_no_mail(tmp_path: Path) -> None:
    assert received(tmp_path / "missing") == {}
