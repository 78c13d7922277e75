"""Images in an S3 bucket, through boto3 in a worker thread (boto3 blocks; its async
wrapper needs aiohttp, which the images leave out, ADR 0099). Each object carries its
content type and a year-long immutable Cache-Control, for the CDN or bucket that
serves ``public_url``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC
from typing import Any, ClassVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from agora_catalog.adapters.media.base import (
    CACHE_CONTROL,
    LISTING_PAGE,
    MediaNotFound,
    MediaStore,
    MediaUnavailable,
    StoredObject,
    check_key,
)

_MISSING = {"NoSuchKey", "404", "NotFound"}
_FAILURES = (BotoCoreError, ClientError)


class S3MediaStore(MediaStore):
    name: ClassVar[str] = "s3"

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None,
        region: str,
        access_key_id: str | None,
        secret_access_key: str | None,
        public_url: str = "",
    ) -> None:
        self.bucket = bucket
        # A client is thread-safe; one serves every call.
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
            ),
        )
        base = (
            public_url or f"{(endpoint_url or self.client.meta.endpoint_url).rstrip('/')}/{bucket}"
        )
        self.public_url = base.rstrip("/")

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        check_key(key)
        try:
            await asyncio.to_thread(
                self.client.put_object,
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                CacheControl=CACHE_CONTROL,
            )
        except _FAILURES as exc:
            raise MediaUnavailable(f"cannot write {key}: {exc}") from exc

    async def get(self, key: str) -> bytes:
        check_key(key)

        def read() -> bytes:
            try:
                answer = self.client.get_object(Bucket=self.bucket, Key=key)
                body: bytes = answer["Body"].read()
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in _MISSING:
                    raise MediaNotFound(key) from None
                raise MediaUnavailable(f"cannot read {key}: {exc}") from exc
            except BotoCoreError as exc:
                raise MediaUnavailable(f"cannot read {key}: {exc}") from exc
            return body

        return await asyncio.to_thread(read)

    async def delete(self, key: str) -> None:
        check_key(key)
        try:
            await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=key)
        except _FAILURES as exc:
            raise MediaUnavailable(f"cannot delete {key}: {exc}") from exc

    async def listing(self, prefix: str) -> AsyncIterator[list[StoredObject]]:
        options: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix, "MaxKeys": LISTING_PAGE}
        while True:
            try:
                page = await asyncio.to_thread(self.client.list_objects_v2, **options)
            except _FAILURES as exc:
                raise MediaUnavailable(f"cannot list {prefix}: {exc}") from exc
            yield [
                StoredObject(item["Key"], item["LastModified"].astimezone(UTC))
                for item in page.get("Contents", [])
            ]
            if not page.get("IsTruncated"):
                return
            options["ContinuationToken"] = page["NextContinuationToken"]

    def url(self, key: str) -> str:
        return f"{self.public_url}/{check_key(key)}"

    async def check(self) -> None:
        await asyncio.to_thread(self.client.head_bucket, Bucket=self.bucket)

    async def close(self) -> None:
        await asyncio.to_thread(self.client.close)
