from enum import StrEnum


class VendorOrderOutOrderStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    CANCELLED = "cancelled"
    CONFIRMED = "confirmed"
    DELIVERED = "delivered"
    PENDING = "pending"
    REFUNDED = "refunded"
    SHIPPED = "shipped"

    def __str__(self) -> str:
        return str(self.value)
