from enum import StrEnum


class AdminVendorsListStatusType0(StrEnum):
    APPROVED = "approved"
    PENDING = "pending"
    SUSPENDED = "suspended"

    def __str__(self) -> str:
        return str(self.value)
