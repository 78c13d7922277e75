from enum import StrEnum


class ResolveInOutcome(StrEnum):
    DISMISSED = "dismissed"
    REMOVED = "removed"

    def __str__(self) -> str:
        return str(self.value)
