"""E-mail addresses: one normal form, so one person has one account."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


def normalise_email(value: str) -> str:
    """The address as stored: validated (syntax only: no DNS look-up), NFC, lower-cased.
    Raises ValueError with a reason a user can act on.

    Local parts must be ASCII (no SMTPUTF8): most mail systems cannot deliver to
    anything else, and it closes the door on look-alike local parts. Internationalised
    domains are accepted."""
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None
    return result.normalized.lower()


def login_key(value: str) -> str:
    """What a login's e-mail is looked up and throttled by: the normal form when it is
    an address, otherwise the trimmed, lower-cased text (which matches no account)."""
    try:
        return normalise_email(value)
    except ValueError:
        return value.strip().lower()
