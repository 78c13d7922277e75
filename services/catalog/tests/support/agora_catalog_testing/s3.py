"""S3 image stores for tests, each on a bucket of its own on the versitygw server
that agora-infra runs (fixture ``s3_server``)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from agora_catalog.adapters.media.s3 import S3MediaStore
from agora_tools.pytest_plugin import S3Server


async def fresh_store(server: S3Server, **options: Any) -> S3MediaStore:
    store = S3MediaStore(
        bucket=f"agora-test-{uuid.uuid4().hex[:12]}",
        endpoint_url=server.url,
        region=server.region,
        access_key_id=server.access_key,
        secret_access_key=server.secret_key,
        **options,
    )
    await asyncio.to_thread(store.client.create_bucket, Bucket=store.bucket)
    return store


async def drop(store: S3MediaStore) -> None:
    def empty() -> None:
        listed = store.client.list_objects_v2(Bucket=store.bucket).get("Contents", [])
        for item in listed:
            store.client.delete_object(Bucket=store.bucket, Key=item["Key"])
        store.client.delete_bucket(Bucket=store.bucket)

    await asyncio.to_thread(empty)
    await store.close()
