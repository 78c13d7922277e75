from enum import StrEnum


class LockedChoiceChannel(StrEnum):
    EMAIL = "email"
    IN_APP = "in_app"
    PUSH = "push"
    SMS = "sms"

    def __str__(self) -> str:
        return str(self.value)
