"""The S3 image store passes the store contract against a real S3-compatible server
(versitygw, started by agora-infra), and keeps each object's type and caching."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from botocore.exceptions import ClientError

from agora_catalog.adapters.media.base import CACHE_CONTROL, MediaStore
from agora_catalog.adapters.media.s3 import S3MediaStore
from agora_catalog_testing.media_contract import MediaStoreContract
from agora_catalog_testing.s3 import drop, fresh_store
from agora_tools.pytest_plugin import S3Server

pytestmark = pytest.mark.integration


class TestS3Store(MediaStoreContract):
    @pytest.fixture
    def base_url(self) -> str:
        return "https://media.example.test/agora"

    @pytest.fixture
    async def store(self, s3_server: S3Server, base_url: str) -> AsyncIterator[MediaStore]:
        store = await fresh_store(s3_server, public_url=base_url)
        yield store
        await drop(store)

    @pytest.fixture
    def broken(self, s3_server: S3Server) -> MediaStore:
        # A bucket nobody made.
        return S3MediaStore(
            bucket=f"agora-absent-{uuid.uuid4().hex[:8]}",
            endpoint_url=s3_server.url,
            region=s3_server.region,
            access_key_id=s3_server.access_key,
            secret_access_key=s3_server.secret_key,
        )


async def test_objects_carry_their_type_and_year_long_caching(s3_server: S3Server) -> None:
    store = await fresh_store(s3_server)
    try:
        await store.put("products/p/i/small.webp", b"RIFF....WEBP", "image/webp")
        head = await asyncio.to_thread(
            store.client.head_object, Bucket=store.bucket, Key="products/p/i/small.webp"
        )
        assert head["ContentType"] == "image/webp"
        assert head["CacheControl"] == CACHE_CONTROL
        # Without a public URL, the endpoint's path-style address of the bucket.
        assert store.url("products/p/i/small.webp") == (
            f"{s3_server.url}/{store.bucket}/products/p/i/small.webp"
        )
    finally:
        await drop(store)


async def test_a_missing_bucket_is_not_ready(s3_server: S3Server) -> None:
    store = S3MediaStore(
        bucket=f"agora-absent-{uuid.uuid4().hex[:8]}",
        endpoint_url=s3_server.url,
        region=s3_server.region,
        access_key_id=s3_server.access_key,
        secret_access_key=s3_server.secret_key,
    )
    with pytest.raises(ClientError) as raised:
        await store.check()
    assert raised.value.response["Error"]["Code"] in ("404", "NoSuchBucket", "NotFound")
