"""The local image store passes the store contract, and writes nowhere but its
directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from agora_catalog.adapters.media.base import BadKey, MediaStore
from agora_catalog.adapters.media.local import LocalMediaStore
from agora_catalog_testing.media_contract import MediaStoreContract


class TestLocalStore(MediaStoreContract):
    @pytest.fixture
    def base_url(self) -> str:
        return "http://127.0.0.1:8000/media"

    @pytest.fixture
    def store(self, tmp_path: Path, base_url: str) -> MediaStore:
        return LocalMediaStore(tmp_path / "media", base_url + "/")

    @pytest.fixture
    def broken(self, tmp_path: Path) -> MediaStore:
        # Its directory is a file: nothing can be written below it.
        (tmp_path / "taken").write_text("a file")
        return LocalMediaStore(tmp_path / "taken", "/media")


async def test_files_land_under_the_root_and_nothing_escapes(tmp_path: Path) -> None:
    store = LocalMediaStore(tmp_path / "media", "/media")
    await store.put("products/p/i/original.jpg", b"jpeg", "image/jpeg")

    assert (tmp_path / "media/products/p/i/original.jpg").read_bytes() == b"jpeg"
    with pytest.raises(BadKey):
        await store.put("../escaped.jpg", b"x", "image/jpeg")
    assert not (tmp_path / "escaped.jpg").exists()
    # No temporary file is left beside the written one.
    assert [p.name for p in (tmp_path / "media/products/p/i").iterdir()] == ["original.jpg"]
