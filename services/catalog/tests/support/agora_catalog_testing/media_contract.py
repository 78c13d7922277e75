"""The contract every image store passes (ADR 0103): a subclass provides the
``store`` fixture, a fresh empty store of its kind, ``base_url``, where its URLs
start, and ``broken``, one of its kind that cannot work (no place to write to)."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

import pytest

from agora_catalog.adapters.media.base import (
    BadKey,
    MediaNotFound,
    MediaStore,
    MediaUnavailable,
)

BAD_KEYS = [
    "",
    "../outside.jpg",
    "products/../../outside.jpg",
    "/etc/passwd",
    "products//twice.jpg",
    "products/./here.jpg",
    "products/..",
    "products\\windows.jpg",
    "products/space here.jpg",
    "products/%2e%2e/encoded.jpg",
    "a" * 600,
]


class MediaStoreContract:
    @pytest.fixture
    def base_url(self) -> str:
        raise NotImplementedError

    async def test_what_is_put_is_got_back(self, store: MediaStore) -> None:
        data = os.urandom(300_000)
        await store.put("products/p1/i1/original.jpg", data, "image/jpeg")

        assert await store.get("products/p1/i1/original.jpg") == data

    async def test_put_replaces(self, store: MediaStore) -> None:
        await store.put("products/p1/i1/small.webp", b"first", "image/webp")
        await store.put("products/p1/i1/small.webp", b"second", "image/webp")

        assert await store.get("products/p1/i1/small.webp") == b"second"

    async def test_keys_are_apart(self, store: MediaStore) -> None:
        keys = [f"products/p{n}/i/original.png" for n in range(8)]
        await asyncio.gather(*(store.put(k, k.encode(), "image/png") for k in keys))

        assert [await store.get(k) for k in keys] == [k.encode() for k in keys]

    async def test_a_missing_key_is_not_found(self, store: MediaStore) -> None:
        with pytest.raises(MediaNotFound):
            await store.get("products/none/none/original.jpg")

    async def test_delete_removes_and_a_second_delete_is_no_error(self, store: MediaStore) -> None:
        await store.put("products/p1/i1/original.png", b"x", "image/png")
        await store.put("products/p1/i2/original.png", b"y", "image/png")

        await store.delete("products/p1/i1/original.png")
        await store.delete("products/p1/i1/original.png")

        with pytest.raises(MediaNotFound):
            await store.get("products/p1/i1/original.png")
        assert await store.get("products/p1/i2/original.png") == b"y"

    async def test_listing_gives_the_keys_under_a_prefix_with_their_time(
        self, store: MediaStore
    ) -> None:
        before = datetime.now(UTC) - timedelta(minutes=5)
        keys = {f"products/p1/i{n}/original.jpg" for n in range(3)}
        for key in [*keys, "products/p2/i/original.jpg"]:
            await store.put(key, b"x", "image/jpeg")

        listed = [item async for page in store.listing("products/p1/") for item in page]

        assert {item.key for item in listed} == keys
        assert all(before < item.modified <= datetime.now(UTC) for item in listed)
        assert [page async for page in store.listing("products/none/")] in ([], [[]])

    async def test_url_is_the_base_and_the_key(self, store: MediaStore, base_url: str) -> None:
        assert store.url("products/p1/i1/large.webp") == f"{base_url}/products/p1/i1/large.webp"

    @pytest.mark.parametrize("key", BAD_KEYS)
    async def test_a_key_that_is_no_plain_path_is_refused(
        self, store: MediaStore, key: str
    ) -> None:
        with pytest.raises(BadKey):
            await store.put(key, b"x", "image/png")
        with pytest.raises(BadKey):
            await store.get(key)
        with pytest.raises(BadKey):
            await store.delete(key)
        with pytest.raises(BadKey):
            store.url(key)

    async def test_it_reports_ready(self, store: MediaStore) -> None:
        await store.check()

    async def test_a_store_that_cannot_work_says_so(self, broken: MediaStore) -> None:
        with pytest.raises(MediaUnavailable):
            await broken.put("products/p/i/original.png", b"x", "image/png")
        with pytest.raises((MediaUnavailable, MediaNotFound)):
            await broken.get("products/p/i/original.png")
