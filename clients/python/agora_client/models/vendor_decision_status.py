from enum import StrEnum


class VendorDecisionStatus(StrEnum):
    APPROVED = "approved"
    SUSPENDED = "suspended"

    def __str__(self) -> str:
        return str(self.value)
