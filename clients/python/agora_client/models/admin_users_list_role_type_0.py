from enum import StrEnum


class AdminUsersListRoleType0(StrEnum):
    ADMIN = "admin"
    CUSTOMER = "customer"
    VENDOR = "vendor"

    def __str__(self) -> str:
        return str(self.value)
