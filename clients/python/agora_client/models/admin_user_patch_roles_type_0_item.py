from enum import StrEnum


class AdminUserPatchRolesType0Item(StrEnum):
    ADMIN = "admin"
    CUSTOMER = "customer"
    VENDOR = "vendor"

    def __str__(self) -> str:
        return str(self.value)
