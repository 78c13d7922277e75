from enum import StrEnum


class AdminMessageReportsListStateType0(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"

    def __str__(self) -> str:
        return str(self.value)
