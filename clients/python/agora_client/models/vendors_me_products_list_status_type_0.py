from enum import StrEnum


class VendorsMeProductsListStatusType0(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"

    def __str__(self) -> str:
        return str(self.value)
