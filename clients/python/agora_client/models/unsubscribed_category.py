from enum import StrEnum


class UnsubscribedCategory(StrEnum):
    ACCOUNT = "account"
    MARKETING = "marketing"
    ORDERS = "orders"

    def __str__(self) -> str:
        return str(self.value)
