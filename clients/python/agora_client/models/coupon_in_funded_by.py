from enum import StrEnum


class CouponInFundedBy(StrEnum):
    PLATFORM = "platform"
    VENDOR = "vendor"

    def __str__(self) -> str:
        return str(self.value)
