from enum import StrEnum


class ApiKeyInScopesItem(StrEnum):
    CATALOGREAD = "catalog:read"
    INVENTORYWRITE = "inventory:write"
    ORDERSREAD = "orders:read"
    ORDERSWRITE = "orders:write"
    WEBHOOKSWRITE = "webhooks:write"

    def __str__(self) -> str:
        return str(self.value)
