from enum import StrEnum


class LockedChoiceCategory(StrEnum):
    ACCOUNT = "account"
    MARKETING = "marketing"
    MESSAGES = "messages"
    ORDERS = "orders"

    def __str__(self) -> str:
        return str(self.value)
