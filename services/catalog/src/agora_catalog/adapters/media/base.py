"""The image store's interface: bytes under a key, and the public URL of a key.

Keys are relative paths of plain segments (``products/<id>/<id>/original.jpg``); a
key with ``..``, an empty segment, a leading slash or another character is refused
(:class:`BadKey`) by every store, so no key can name anything outside the store.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

# Letters, digits, dot, dash and underscore in each segment; no segment only of dots.
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
MAX_KEY_LENGTH = 512
# Every file is written once under a name never reused, so caches may keep it.
CACHE_CONTROL = "public, max-age=31536000, immutable"


class BadKey(ValueError):
    """A key that is not a plain relative path."""


class MediaNotFound(LookupError):
    """No object under this key."""


class MediaUnavailable(RuntimeError):
    """The store could not be reached or refused the operation; worth trying again."""


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise BadKey(f"bad media key {key!r}")
    for segment in key.split("/"):
        if not _SEGMENT.fullmatch(segment):
            raise BadKey(f"bad media key {key!r}")
    return key


@dataclass(frozen=True)
class StoredObject:
    key: str
    # When it was last written (UTC).
    modified: datetime


# Objects a listing gives at a time.
LISTING_PAGE = 1000


class MediaStore(ABC):
    """Bytes under keys. ``put`` replaces what a key held; ``delete`` of a missing key
    is no error; ``get`` of one raises :class:`MediaNotFound`. A store that fails
    raises :class:`MediaUnavailable`."""

    name: ClassVar[str]

    @abstractmethod
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    @abstractmethod
    async def get(self, key: str) -> bytes: ...

    @abstractmethod
    async def delete(self, key: str) -> None: ...

    @abstractmethod
    def listing(self, prefix: str) -> AsyncIterator[list[StoredObject]]:
        """The objects whose keys start with ``prefix``, in pages of at most
        :data:`LISTING_PAGE`, in no particular order (for the orphan sweep, ADR 0109)."""

    @abstractmethod
    def url(self, key: str) -> str:
        """Where a client reads the object (no request made)."""

    async def check(self) -> None:
        """Raise if the store cannot be reached (readiness)."""
        return

    async def close(self) -> None:
        return
