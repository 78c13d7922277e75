from enum import StrEnum


class ConversationOutYourSide(StrEnum):
    BUYER = "buyer"
    STORE = "store"

    def __str__(self) -> str:
        return str(self.value)
