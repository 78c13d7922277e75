from enum import StrEnum


class VendorPayoutOutStatus(StrEnum):
    HELD = "held"
    PAID = "paid"
    REVERSED = "reversed"

    def __str__(self) -> str:
        return str(self.value)
