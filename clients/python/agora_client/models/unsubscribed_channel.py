from enum import StrEnum


class UnsubscribedChannel(StrEnum):
    EMAIL = "email"
    IN_APP = "in_app"
    PUSH = "push"
    SMS = "sms"

    def __str__(self) -> str:
        return str(self.value)
