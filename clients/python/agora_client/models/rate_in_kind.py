from enum import StrEnum


class RateInKind(StrEnum):
    FLAT = "flat"
    SUBTOTAL = "subtotal"
    WEIGHT = "weight"

    def __str__(self) -> str:
        return str(self.value)
