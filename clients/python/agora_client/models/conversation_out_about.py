from enum import StrEnum


class ConversationOutAbout(StrEnum):
    ORDER = "order"
    PRODUCT = "product"
    SUPPORT = "support"

    def __str__(self) -> str:
        return str(self.value)
