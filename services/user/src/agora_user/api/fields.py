"""Field types of the user service's request bodies: whatever a client sends becomes
a 422 naming the field, never a 500 further down (a NUL byte PostgreSQL refuses, a
lone surrogate UTF-8 cannot encode, a bidi override that disguises a name)."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal, get_args

import phonenumbers
from pydantic import AfterValidator, Field, StringConstraints

from agora_kit.auth import ALL_ROLES, ALL_SCOPES
from agora_user.service.emails import normalise_email

# Explicit directional formatting characters (Unicode TR9): they reorder what follows,
# so "Ada\u202eecilA" shows as something else than it is.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}")


def _encodable(value: str) -> str:
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise ValueError("contains text that is not valid Unicode (a lone surrogate)")
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return value


def _display_name(value: str) -> str:
    value = unicodedata.normalize("NFC", _encodable(value)).strip()
    for char in value:
        if char in _BIDI_CONTROLS:
            raise ValueError("contains a text-direction control character")
        if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char != " ":
            raise ValueError("contains a control or unassigned character")
    if not value:
        raise ValueError("must not be blank")
    if len(value) > 200:
        raise ValueError("must have at most 200 characters")
    return value


def _email(value: str) -> str:
    return normalise_email(_encodable(value))


def _phone(value: str) -> str:
    """E.164 (``+`` and the country code), checked against the numbering plans of
    ``phonenumbers``; spaces, dashes and brackets in the input are dropped."""
    try:
        number = phonenumbers.parse(_encodable(value), None)
    except phonenumbers.NumberParseException:
        raise ValueError("must be a phone number in E.164 form, e.g. +447911123456") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _locale(value: str) -> str:
    if not _LOCALE.fullmatch(value):
        raise ValueError("must be a language tag such as en or pt-BR")
    return value.replace("_", "-")


Email = Annotated[
    str,
    Field(max_length=320, examples=["ada@example.com"]),
    AfterValidator(_email),
]
# Login takes any text: an address that cannot exist simply matches no account.
LoginEmail = Annotated[str, Field(min_length=1, max_length=320), AfterValidator(_encodable)]
Password = Annotated[
    str,
    Field(min_length=1, max_length=1024, examples=["correct horse battery staple"]),
    AfterValidator(_encodable),
]
DisplayName = Annotated[
    str,
    Field(min_length=1, max_length=400, examples=["Ada Lovelace"]),
    AfterValidator(_display_name),
]
Locale = Annotated[str, Field(max_length=35, examples=["en", "pt-BR"]), AfterValidator(_locale)]
# Free text a query searches for.
SearchText = Annotated[str, StringConstraints(max_length=320), AfterValidator(_encodable)]
Token = Annotated[str, StringConstraints(min_length=1, max_length=512)]
Phone = Annotated[
    str, Field(min_length=2, max_length=32, examples=["+447911123456"]), AfterValidator(_phone)
]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_encodable)]
ShortText = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_display_name)]

Scope = Literal["catalog:read", "orders:read", "orders:write", "inventory:write", "webhooks:write"]
Role = Literal["customer", "vendor", "admin"]
# The chassis names them; these literals only give the OpenAPI document its enums.
assert set(get_args(Scope)) == ALL_SCOPES
assert set(get_args(Role)) == ALL_ROLES
