"""The catalog's typed failures, each with a stable problem ``type`` slug."""

from __future__ import annotations

from agora_kit.errors import (
    Conflict,
    Forbidden,
    InvalidParam,
    NotFound,
    PayloadTooLarge,
    ProblemError,
    Unprocessable,
)


class VendorNotApproved(Forbidden):
    slug = "vendor-not-approved"
    title = "Not an approved vendor"


class NotYourProduct(Forbidden):
    slug = "not-your-product"
    title = "Someone else's product"


class AlreadyAVendor(Conflict):
    slug = "already-a-vendor"
    title = "You already have a store"


class VendorNameTaken(Conflict):
    slug = "vendor-name-taken"
    title = "A store with this name exists"


class SkuTaken(Conflict):
    slug = "sku-taken"
    title = "SKU already taken"


class CategoryNameTaken(Conflict):
    slug = "category-name-taken"
    title = "A category with this name exists here"


class CategoryInUse(Conflict):
    slug = "category-in-use"
    title = "The category still has sub-categories or products"


class ProductHasNoVariants(Conflict):
    slug = "product-has-no-variants"
    title = "Add a variant before publishing"


class LastVariant(Conflict):
    slug = "last-variant"
    title = "A published product keeps at least one variant"


class StockBelowReserved(Conflict):
    slug = "stock-below-reserved"
    title = "Stock cannot go below what is reserved"


class NotAVerifiedBuyer(Forbidden):
    slug = "not-a-verified-buyer"
    title = "Only buyers of a confirmed order may review this product"


class AlreadyReviewed(Conflict):
    slug = "already-reviewed"
    title = "You already reviewed this product"


class ProductNotFound(NotFound):
    slug = "not-found"


def invalid(field: str, reason: str, detail: str | None = None) -> Unprocessable:
    """A 422 naming one field of the request, like the framework's own."""
    return Unprocessable(
        detail or f"1 invalid field(s): {field}",
        errors=[InvalidParam(name=field, reason=reason)],
    )


class UnknownProduct(Unprocessable):
    slug = "unknown-product"
    title = "No such product for sale"


class UnknownVariant(Unprocessable):
    slug = "unknown-variant"
    title = "The product has no such variant"


class ImageTooLarge(PayloadTooLarge):
    slug = "image-too-large"
    title = "The image is too large"


class UnsupportedImageType(ProblemError):
    status = 415
    slug = "unsupported-image-type"
    title = "Not a JPEG, PNG or WebP image"


class InvalidImage(Unprocessable):
    slug = "invalid-image"
    title = "The image cannot be decoded"
