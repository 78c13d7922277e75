"""The catalog service's settings: its port and database, the search backend, and the
reservations' and low-stock defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from agora_kit.settings import ServiceSettings

SearchBackendName = Literal["postgres", "elasticsearch"]
MediaBackendName = Literal["local", "s3"]


class Settings(ServiceSettings):
    """The catalog service's settings, from ``AGORA_CATALOG_*`` (shared ones from ``AGORA_*``)."""

    model_config = SettingsConfigDict(env_prefix="AGORA_CATALOG_", extra="ignore")

    service_name: str = "catalog"
    port: int = 8002
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_catalog"

    # Search: PostgreSQL full-text in the catalog's own database (the embedded
    # default), or Elasticsearch (distributed mode).
    search_backend: SearchBackendName = "postgres"
    elasticsearch_url: str = "http://127.0.0.1:9200"
    # The alias searches go through; each rebuild creates a new index behind it.
    elasticsearch_index: str = "agora-catalog-products"

    # How long stock stays reserved for an order that neither confirms nor cancels,
    # when the order does not say (OrderPlaced.reservation_ttl_seconds).
    reservation_ttl_seconds: int = Field(default=900, gt=0)
    # How often expired reservations are looked for and released.
    reservation_sweep_seconds: float = Field(default=5.0, gt=0)
    # A new store's low-stock threshold; each store may change its own.
    low_stock_threshold: int = Field(default=5, ge=0)

    # Product images (ADR 0103): where the files go, the local filesystem (the
    # `agora run` default, served by the gateway at /media/) or an S3 bucket.
    media_backend: MediaBackendName = "local"
    # The local store's directory (`agora run` puts it in its data directory).
    media_dir: Path = Path(".agora/media")
    # Where clients read the local store's files: the gateway's /media/ path.
    media_url: str = "/media"
    # The S3 store's endpoint; unset, AWS's own for the region.
    s3_endpoint_url: str | None = None
    # The S3 store's region.
    s3_region: str = "us-east-1"
    # The S3 store's bucket (it must exist).
    s3_bucket: str = "agora-media"
    # The S3 store's access key; unset, boto3's own credential chain (a role).
    s3_access_key_id: SecretStr | None = None
    # The S3 store's secret key, with s3_access_key_id.
    s3_secret_access_key: SecretStr | None = None
    # Where clients read the S3 store's files (a CDN, or the bucket's own address);
    # empty, the endpoint's path-style address of the bucket.
    s3_public_url: str = ""
    # The largest image accepted, in bytes (413 above).
    image_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    # The most pixels an image may have (422 above): a decompression bomb is refused
    # before it is decoded.
    image_max_pixels: int = Field(default=50_000_000, gt=0)
    # How often images whose thumbnails are still to be made are looked for, beside the
    # wake-up each upload gives (this catches uploads of another replica, or of a
    # process that died before it made them).
    thumbnail_poll_seconds: float = Field(default=30.0, gt=0)
    # Whether this replica runs the embedding worker (ADR 0123). Off, it embeds no
    # products (another replica does) and loads the model for searches by meaning only.
    embedding_worker: bool = True
    # How often the embedding worker looks for products to embed (new, or edited since
    # their embedding was made) once it has caught up, beside the wake-up each product,
    # store or category event handled here gives (this catches the events another
    # replica handled) (ADR 0123).
    embedding_poll_seconds: float = Field(default=60.0, gt=0)
    # How long the embedding model stays in memory unused (by the worker or a search
    # by meaning) before it is dropped, to be loaded again on the next use (ADR 0123).
    embedding_idle_seconds: float = Field(default=120.0, gt=0)
    # How often the media sweep deletes files no image row names, and the images of
    # products deleted long enough ago (ADR 0109).
    media_sweep_seconds: float = Field(default=3600.0, gt=0)
    # How old a file without a row must be before the sweep deletes it: an upload in
    # progress stores its original before its row commits.
    media_orphan_grace_seconds: float = Field(default=3600.0, gt=0)
    # How long a deleted product keeps its images (rows and files) before the sweep
    # deletes them.
    deleted_product_images_days: float = Field(default=30.0, ge=0)
