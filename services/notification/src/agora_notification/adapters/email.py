"""E-mail: building the MIME message, and the two senders (SMTP with aiosmtplib, and
.eml files for all-in-one mode).

The message is built once, when the notification is created, and stored with its
delivery, so every retry sends the same bytes with the same ``Message-ID`` (receivers
can tell a resend from a new mail).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

import aiosmtplib

from agora_notification.adapters.base import DeliveryFailed, Outgoing
from agora_notification.rendering import Rendered, one_line
from agora_notification.settings import Settings

logger = logging.getLogger("agora.notification.email")

# CRLF lines, and headers up to RFC 5322's 998 characters: a long List-Unsubscribe URL
# must stay one plain line, not be folded into encoded words mail clients cannot read.
_POLICY = SMTP.clone(max_line_length=998)


def _address(email: str, name: str | None = None) -> Address:
    local, _, domain = email.rpartition("@")
    # Internationalised domains travel as A-labels: no SMTPUTF8 needed.
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return Address(display_name=one_line(name or "", 120), username=local, domain=domain)


def envelope_sender(mail_from: str) -> str:
    return parseaddr(mail_from)[1]


def build_message(
    settings: Settings,
    rendered: Rendered,
    *,
    to: str,
    name: str | None,
    kind: str,
    notification_id: str,
    unsubscribe_url: str | None,
) -> str:
    """The whole mail as text (CRLF lines, ASCII: non-ASCII parts are encoded)."""
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = rendered.subject
    message["From"] = settings.mail_from
    message["To"] = _address(to, name)
    message["Date"] = format_datetime(datetime.now(UTC))
    sender_domain = envelope_sender(settings.mail_from).rpartition("@")[2] or "agora.local"
    message["Message-ID"] = make_msgid(idstring=notification_id[:8], domain=sender_domain)
    # Machine-sent: auto-responders must not answer it (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message["X-Agora-Notification"] = f"{kind}; id={notification_id}"
    if unsubscribe_url:
        # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs here.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable keeps the message 7-bit, whatever the server's 8BITMIME.
    message.set_content(rendered.text, cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    return message.as_string()


class SmtpSender:
    channel = "email"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: Outgoing) -> str | None:
        mime = message.content["mime"]
        try:
            errors, response = await self._session(mime, message.recipient)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            detail = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
            # 5xx for the mailbox (unknown, disabled): retrying cannot help.
            raise DeliveryFailed(
                f"recipient refused: {detail}", permanent=all(c >= 500 for c in codes)
            ) from exc
        except (aiosmtplib.SMTPRecipientRefused, aiosmtplib.SMTPDataError) as exc:
            raise DeliveryFailed(f"{exc.code} {exc.message}", permanent=exc.code >= 500) from exc
        except aiosmtplib.SMTPResponseException as exc:
            # Refused sender, failed login, a 421 at connect: the server's or our
            # configuration, not this mail; it goes out once that is fixed.
            raise DeliveryFailed(f"{exc.code} {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            # Connection refused, reset, timed out, TLS failure: the server may come back.
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if errors:
            detail = "; ".join(f"{rcpt}: {err.code} {err.message}" for rcpt, err in errors.items())
            raise DeliveryFailed(f"recipient refused: {detail}", permanent=True)
        logger.info("mail %s sent to the SMTP server: %s", message.delivery_id, response)
        return response[:255] if response else None

    async def _session(self, mime: str, recipient: str) -> tuple[dict[str, Any], str]:
        """One SMTP session. Not ``aiosmtplib.send``: when it is cancelled (a shutdown)
        in the middle of a message, its exit waits the whole timeout for an answer to
        QUIT that the server, still reading the message, never gives. A session that
        failed or was cancelled is closed at once; one that sent says QUIT."""
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls",
            timeout=s.smtp_timeout_seconds,
        )
        try:
            await client.connect()
            errors, response = await client.sendmail(
                envelope_sender(s.mail_from), [recipient], mime.encode()
            )
        except BaseException:
            client.close()
            raise
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            pass  # the server took the mail: how the session ends changes nothing
        finally:
            client.close()
        return errors, response


class FileSender:
    """All-in-one mode: each mail becomes ``<mail_dir>/<time>-<delivery id>.eml``, which
    any mail program opens."""

    channel = "email"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _write(self, message: Outgoing) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        target = self.directory / f"{stamp}-{message.delivery_id}.eml"
        # Written beside, then renamed: a reader never sees half a mail.
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.content["mime"].encode())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    async def send(self, message: Outgoing) -> str | None:
        try:
            path = await asyncio.to_thread(self._write, message)
        except OSError as exc:
            raise DeliveryFailed(f"cannot write the mail file: {exc}") from exc
        logger.info("mail %s written to %s", message.delivery_id, path)
        return str(path)[-255:]
