"""Images in a local directory, served by the gateway at ``/media/`` (`agora run`).

A file is written beside its final name and renamed into place, so a reader never
sees half of one. The content type is not stored: the gateway derives it from the
key's extension, which the catalog picks from the sniffed type."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from agora_catalog.adapters.media.base import (
    LISTING_PAGE,
    MediaNotFound,
    MediaStore,
    MediaUnavailable,
    StoredObject,
    check_key,
)


class LocalMediaStore(MediaStore):
    name: ClassVar[str] = "local"

    def __init__(self, root: Path, public_url: str) -> None:
        self.root = root.resolve()
        self.public_url = public_url.rstrip("/")

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        try:
            await asyncio.to_thread(self._write, path, data)
        except OSError as exc:
            raise MediaUnavailable(f"cannot write {key}: {exc}") from exc

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise MediaNotFound(key) from None
        except OSError as exc:
            raise MediaUnavailable(f"cannot read {key}: {exc}") from exc

    async def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            await asyncio.to_thread(path.unlink, missing_ok=True)
        except OSError as exc:
            raise MediaUnavailable(f"cannot delete {key}: {exc}") from exc

    async def listing(self, prefix: str) -> AsyncIterator[list[StoredObject]]:
        try:
            found = await asyncio.to_thread(self._walk, prefix)
        except OSError as exc:
            raise MediaUnavailable(f"cannot list {prefix}: {exc}") from exc
        for start in range(0, len(found), LISTING_PAGE):
            yield found[start : start + LISTING_PAGE]

    def _walk(self, prefix: str) -> list[StoredObject]:
        found = []
        for directory, _, names in os.walk(self.root):
            for name in names:
                path = Path(directory, name)
                key = path.relative_to(self.root).as_posix()
                # A write in progress (".tmp-...") is no object.
                if not key.startswith(prefix) or name.startswith("."):
                    continue
                with contextlib.suppress(FileNotFoundError):
                    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                    found.append(StoredObject(key, modified))
        return found

    def url(self, key: str) -> str:
        return f"{self.public_url}/{check_key(key)}"

    async def check(self) -> None:
        await asyncio.to_thread(self.root.mkdir, parents=True, exist_ok=True)
