from enum import StrEnum


class ConversationsListSideType0(StrEnum):
    BUYER = "buyer"
    STORE = "store"

    def __str__(self) -> str:
        return str(self.value)
