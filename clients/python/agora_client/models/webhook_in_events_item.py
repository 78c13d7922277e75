from enum import StrEnum


class WebhookInEventsItem(StrEnum):
    INVENTORY_LOW_STOCK = "inventory.low_stock"
    ORDER_CANCELLED = "order.cancelled"
    ORDER_CONFIRMED = "order.confirmed"
    ORDER_DELIVERED = "order.delivered"
    ORDER_REFUNDED = "order.refunded"
    ORDER_SHIPPED = "order.shipped"
    PAYMENT_FAILED = "payment.failed"
    PAYMENT_REFUNDED = "payment.refunded"
    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYOUT_CREATED = "payout.created"
    PRODUCT_PUBLISHED = "product.published"
    PRODUCT_UPDATED = "product.updated"

    def __str__(self) -> str:
        return str(self.value)
