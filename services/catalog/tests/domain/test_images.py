"""Pillow's part of product images, without HTTP: what is refused before it is
decoded, and what survives the re-encoding (ADR 0103)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from agora_catalog.domain.images import CorruptImage, clean, thumbnails

MAX_PIXELS = 50_000_000


def encoded(image: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


@pytest.mark.parametrize("side", [8000, 20_000])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(side: int) -> None:
    # A few kilobytes of PNG that would decode to `side` x `side` pixels.
    bomb = encoded(Image.new("1", (side, side)), "PNG")
    assert len(bomb) < 100_000

    with pytest.raises(CorruptImage, match="pixels"):
        clean(bomb, max_pixels=MAX_PIXELS)


def test_a_palette_pngs_transparency_survives_into_its_thumbnails() -> None:
    image = Image.new("P", (300, 200), 0)
    image.putpalette([255, 0, 0, 0, 255, 0] + [0] * 762)
    image.paste(1, (0, 0, 150, 200))
    data = encoded(image, "PNG", transparency=0)

    cleaned = clean(data, max_pixels=MAX_PIXELS)
    with Image.open(io.BytesIO(cleaned.data)) as reopened:
        assert reopened.info.get("transparency") == 0
    with Image.open(io.BytesIO(thumbnails(cleaned.data, max_pixels=MAX_PIXELS)["small"])) as t:
        assert t.mode == "RGBA"
        alpha = t.getchannel("A")
        assert alpha.getpixel((t.width - 1, 0)) == 0  # the transparent half
        assert alpha.getpixel((0, 0)) == 255


def test_a_cmyk_jpeg_and_a_grey_png_are_kept_and_thumbnailed() -> None:
    for image, kind in ((Image.new("CMYK", (400, 300)), "JPEG"), (Image.new("L", (40, 30)), "PNG")):
        cleaned = clean(encoded(image, kind), max_pixels=MAX_PIXELS)
        made = thumbnails(cleaned.data, max_pixels=MAX_PIXELS)
        with Image.open(io.BytesIO(made["large"])) as large:
            # Never upscaled: a small original's thumbnails are its own size.
            assert large.size == image.size
