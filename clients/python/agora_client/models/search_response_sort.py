from enum import StrEnum


class SearchResponseSort(StrEnum):
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    RELEVANCE = "relevance"

    def __str__(self) -> str:
        return str(self.value)
