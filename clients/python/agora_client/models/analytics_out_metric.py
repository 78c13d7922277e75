from enum import StrEnum


class AnalyticsOutMetric(StrEnum):
    AOV = "aov"
    CONVERSION = "conversion"
    GMV = "gmv"
    NEW_BUYERS = "new_buyers"
    ORDERS = "orders"
    REFUND_RATE = "refund_rate"

    def __str__(self) -> str:
        return str(self.value)
