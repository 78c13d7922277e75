from enum import StrEnum


class VendorOrdersListStatusType0(StrEnum):
    CANCELLED = "cancelled"
    DELIVERED = "delivered"
    PENDING = "pending"
    SHIPPED = "shipped"

    def __str__(self) -> str:
        return str(self.value)
