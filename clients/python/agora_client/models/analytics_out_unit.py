from enum import StrEnum


class AnalyticsOutUnit(StrEnum):
    BASIS_POINTS = "basis_points"
    COUNT = "count"
    MINOR_UNITS = "minor_units"

    def __str__(self) -> str:
        return str(self.value)
