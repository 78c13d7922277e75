from enum import StrEnum


class ReportOutOutcomeType0(StrEnum):
    DISMISSED = "dismissed"
    REMOVED = "removed"

    def __str__(self) -> str:
        return str(self.value)
