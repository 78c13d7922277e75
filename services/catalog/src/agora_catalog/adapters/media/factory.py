"""The image store the settings choose."""

from __future__ import annotations

from pydantic import SecretStr

from agora_catalog.adapters.media.base import MediaStore
from agora_catalog.settings import Settings


def build_media_store(settings: Settings) -> MediaStore:
    if settings.media_backend == "s3":
        from agora_catalog.adapters.media.s3 import S3MediaStore

        def secret(value: SecretStr | None) -> str | None:
            return None if value is None else value.get_secret_value()

        return S3MediaStore(
            bucket=settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=secret(settings.s3_access_key_id),
            secret_access_key=secret(settings.s3_secret_access_key),
            public_url=settings.s3_public_url,
        )
    from agora_catalog.adapters.media.local import LocalMediaStore

    return LocalMediaStore(settings.media_dir, settings.media_url)
