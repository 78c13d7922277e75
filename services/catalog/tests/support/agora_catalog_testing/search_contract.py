"""The contract every search backend passes. A backend's test module subclasses
:class:`SearchContract` and provides a ``backend`` fixture yielding a started backend
with an empty index of its own.

The suite holds a small catalog (:data:`CATALOG`) and asserts what a shopper would
notice: which products a query finds, in which order, with which facet counts, page
by page, and what the search box suggests.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from agora_catalog.adapters.search.base import (
    SearchBackend,
    SearchDocument,
    SearchQuery,
    SearchResult,
    Sort,
    attribute_filters,
)
from agora_kit.errors import Unprocessable


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://agora.test/{name}")


ELECTRONICS, AUDIO, HEADPHONES, COMPUTERS = (
    _id(n) for n in ("electronics", "audio", "headphones", "computers")
)
CLOTHING, SHOES, HOME = (_id(n) for n in ("clothing", "shoes", "home"))
SONIC, TRAIL = _id("vendor/sonic"), _id("vendor/trail")
VENDOR_NAMES = {SONIC: "Sonic Shop", TRAIL: "Trail Outfitters"}
PATHS: dict[uuid.UUID, tuple[tuple[uuid.UUID, str], ...]] = {
    HEADPHONES: ((ELECTRONICS, "Electronics"), (AUDIO, "Audio"), (HEADPHONES, "Headphones")),
    AUDIO: ((ELECTRONICS, "Electronics"), (AUDIO, "Audio")),
    COMPUTERS: ((ELECTRONICS, "Electronics"), (COMPUTERS, "Computers")),
    SHOES: ((CLOTHING, "Clothing"), (SHOES, "Shoes")),
    CLOTHING: ((CLOTHING, "Clothing"),),
    HOME: ((HOME, "Home"),),
}
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def doc(
    n: int,
    title: str,
    category: uuid.UUID,
    vendor: uuid.UUID,
    price: int,
    *,
    description: str = "",
    attributes: dict[str, tuple[str, ...]] | None = None,
    price_max: int | None = None,
    rating: float | None = None,
) -> SearchDocument:
    path = PATHS[category]
    return SearchDocument(
        product_id=_id(f"product/{n}"),
        vendor_id=vendor,
        vendor_name=VENDOR_NAMES[vendor],
        category_id=category,
        category_path=tuple(c for c, _ in path),
        category_names=tuple(name for _, name in path),
        title=title,
        description=description,
        attributes=attributes or {},
        price_min=price,
        price_max=price_max or price,
        currency="USD",
        image_url=f"https://img.agora.test/{n}.jpg",
        rating_average=rating,
        rating_count=0 if rating is None else 3,
        # Product n was published n hours after the epoch: higher n is newer.
        published_at=EPOCH + timedelta(hours=n),
    )


CATALOG: tuple[SearchDocument, ...] = (
    doc(
        1,
        "Wireless Headphones Pro",
        HEADPHONES,
        SONIC,
        19_900,
        price_max=21_900,
        description="Noise cancelling over-ear headphones with a long battery life",
        attributes={"Colour": ("Black", "White")},
        rating=4.5,
    ),
    doc(
        2,
        "Studio Monitor Headphones",
        HEADPHONES,
        SONIC,
        12_900,
        description="Flat response for mixing",
        attributes={"Colour": ("Black",)},
    ),
    doc(
        3,
        "Bluetooth Speaker",
        AUDIO,
        SONIC,
        4_900,
        description="A portable speaker that also pairs with your headphones",
        attributes={"Colour": ("Red", "Blue")},
    ),
    doc(
        4,
        "Mechanical Keyboard",
        COMPUTERS,
        SONIC,
        8_900,
        description="Tactile switches",
        attributes={"Colour": ("Black",), "Layout": ("US",)},
    ),
    doc(
        5,
        "Trail Running Shoes",
        SHOES,
        TRAIL,
        7_900,
        description="Lightweight shoes for running on rocky trails",
        attributes={"Colour": ("Red",), "Size": ("42", "43")},
    ),
    doc(
        6,
        "Leather Hiking Boots",
        SHOES,
        TRAIL,
        15_900,
        description="Waterproof boots for long walks",
        attributes={"Colour": ("Brown",), "Size": ("43",)},
    ),
    doc(7, "Café Latte Mug", HOME, TRAIL, 1_500, description="Stoneware, 350 ml"),
    doc(
        8,
        "Cotton T-Shirt",
        CLOTHING,
        TRAIL,
        900,
        attributes={"Colour": ("White",), "Size": ("M", "L")},
    ),
)


def n(result: SearchResult) -> list[int]:
    """The catalog numbers of the hits, in order."""
    numbers = {d.product_id: i for i, d in enumerate(CATALOG, start=1)}
    return [numbers[hit.product_id] for hit in result.hits]


def by_price(numbers: Sequence[int]) -> list[int]:
    return sorted(numbers, key=lambda i: (CATALOG[i - 1].price_min, CATALOG[i - 1].product_id))


async def walk(backend: SearchBackend, query: SearchQuery) -> list[int]:
    """Every page of ``query``, followed through its cursors."""
    seen: list[int] = []
    cursor = None
    for _ in range(50):
        page = await backend.search(replace(query, cursor=cursor))
        seen.extend(n(page))
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("the cursors never ended")


class SearchContract:
    @pytest.fixture
    async def backend(self) -> SearchBackend:
        raise NotImplementedError("a backend's test module provides this fixture")

    @pytest.fixture
    async def catalog(self, backend: SearchBackend) -> SearchBackend:
        await backend.upsert(CATALOG)
        return backend

    # --- text

    async def test_an_empty_index_finds_nothing(self, backend: SearchBackend) -> None:
        result = await backend.search(SearchQuery(text="headphones"))
        assert (result.hits, result.total, result.next_cursor) == ([], 0, None)
        assert await backend.suggest("head") == []

    async def test_title_matches_rank_above_description_matches(
        self, catalog: SearchBackend
    ) -> None:
        result = await catalog.search(SearchQuery(text="headphones"))
        assert set(n(result)) == {1, 2, 3}
        assert result.total == 3
        assert n(result)[-1] == 3, "the speaker only mentions headphones in its description"
        assert all(hit.score is not None for hit in result.hits)

    async def test_every_word_of_the_query_must_match(self, catalog: SearchBackend) -> None:
        assert n(await catalog.search(SearchQuery(text="wireless headphones"))) == [1]
        assert n(await catalog.search(SearchQuery(text="wireless boots"))) == []

    async def test_words_match_across_fields(self, catalog: SearchBackend) -> None:
        # "red" is an attribute value, "shoes" is in the title and the category.
        assert n(await catalog.search(SearchQuery(text="red shoes"))) == [5]
        # A store's name and a category's name find its products.
        assert set(n(await catalog.search(SearchQuery(text="outfitters boots")))) == {6}
        assert set(n(await catalog.search(SearchQuery(text="computers")))) == {4}

    async def test_stemming_finds_other_forms_of_a_word(self, catalog: SearchBackend) -> None:
        assert 5 in n(await catalog.search(SearchQuery(text="shoe")))
        assert n(await catalog.search(SearchQuery(text="run")))[:1] == [5]

    async def test_case_and_accents_do_not_matter(self, catalog: SearchBackend) -> None:
        for text in ("cafe", "CAFÉ", "Café latte"):
            assert n(await catalog.search(SearchQuery(text=text))) == [7], text

    @pytest.mark.parametrize(
        ("typo", "expected"),
        [("hedphones", {1, 2}), ("keybaord", {4}), ("wirelss", {1}), ("bluetoth speeker", {3})],
    )
    async def test_typos_still_find_the_product(
        self, catalog: SearchBackend, typo: str, expected: set[int]
    ) -> None:
        found = n(await catalog.search(SearchQuery(text=typo)))
        assert expected <= set(found), found
        assert found[0] in expected

    async def test_a_word_is_only_corrected_to_words_a_typo_or_two_away(
        self, catalog: SearchBackend
    ) -> None:
        await catalog.upsert(
            [
                doc(9, "Oak Bar Stool", HOME, TRAIL, 5_000),
                doc(10, "Phone Stand", COMPUTERS, SONIC, 1_000),
                doc(11, "Wool Rug", HOME, TRAIL, 9_000),
            ]
        )

        async def titles(text: str) -> list[str]:
            return [hit.title for hit in (await catalog.search(SearchQuery(text=text))).hits]

        assert await titles("bargain") == [], "bargain is no typo of bar"
        assert "Phone Stand" not in await titles("hedphones")
        # Short words take one typo: "rag" -> "rug", but not two ("mop" -> "mug").
        assert await titles("rag") == ["Wool Rug"]
        assert await titles("mop") == []

    async def test_gibberish_finds_nothing(self, catalog: SearchBackend) -> None:
        result = await catalog.search(SearchQuery(text="xqzvbnm"))
        assert (n(result), result.total) == ([], 0)

    # --- filters

    @pytest.mark.parametrize(
        ("category", "expected"),
        [
            (ELECTRONICS, {1, 2, 3, 4}),
            (AUDIO, {1, 2, 3}),
            (HEADPHONES, {1, 2}),
            (CLOTHING, {5, 6, 8}),
            (_id("nowhere"), set()),
        ],
    )
    async def test_a_category_filter_includes_its_sub_categories(
        self, catalog: SearchBackend, category: uuid.UUID, expected: set[int]
    ) -> None:
        result = await catalog.search(SearchQuery(category_id=category))
        assert set(n(result)) == expected
        assert result.total == len(expected)

    async def test_filters_combine_with_text(self, catalog: SearchBackend) -> None:
        query = SearchQuery(text="headphones", category_id=HEADPHONES, vendor_id=SONIC)
        assert set(n(await catalog.search(query))) == {1, 2}
        assert n(await catalog.search(SearchQuery(text="headphones", vendor_id=TRAIL))) == []

    async def test_price_range_is_inclusive_on_the_lowest_price(
        self, catalog: SearchBackend
    ) -> None:
        result = await catalog.search(SearchQuery(min_price=7_900, max_price=12_900))
        assert set(n(result)) == {2, 4, 5}
        # Product 1 costs 199.00 to 219.00: its lowest price is what counts.
        assert n(await catalog.search(SearchQuery(min_price=20_000))) == []
        assert set(n(await catalog.search(SearchQuery(max_price=1_500)))) == {7, 8}

    async def test_attribute_filters(self, catalog: SearchBackend) -> None:
        async def find(*raw: str) -> set[int]:
            return set(n(await catalog.search(SearchQuery(attributes=attribute_filters(raw)))))

        assert await find("colour:red") == {3, 5}
        assert await find("Colour:RED") == {3, 5}, "names and values are case-insensitive"
        assert await find("colour:red", "colour:brown") == {3, 5, 6}, "one name: any value"
        assert await find("colour:black", "layout:us") == {4}, "two names: both"
        assert await find("size:43") == {5, 6}
        assert await find("size:44") == set()

    # --- facets

    async def test_facets_count_the_matching_products(self, catalog: SearchBackend) -> None:
        result = await catalog.search(SearchQuery(category_id=ELECTRONICS))
        facets = {
            name: {f.value: f.count for f in values} for name, values in result.facets.items()
        }
        assert facets["category"] == {str(HEADPHONES): 2, str(AUDIO): 1, str(COMPUTERS): 1}
        assert facets["vendor"] == {str(SONIC): 4}
        assert facets["price"] == {"2500-5000": 1, "5000-10000": 1, "10000-25000": 2}
        assert facets["attributes"] == {
            "colour:black": 3,
            "colour:white": 1,
            "colour:red": 1,
            "colour:blue": 1,
            "layout:us": 1,
        }
        # The largest count first.
        assert result.facets["category"][0].value == str(HEADPHONES)
        assert result.total == 4

    async def test_facets_follow_the_text_query(self, catalog: SearchBackend) -> None:
        result = await catalog.search(SearchQuery(text="boots"))
        assert {f.value: f.count for f in result.facets["vendor"]} == {str(TRAIL): 1}
        assert {f.value: f.count for f in result.facets["price"]} == {"10000-25000": 1}

    # --- sorts and pages

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("price_asc", by_price(range(1, 9))),
            ("price_desc", list(reversed(by_price(range(1, 9))))),
            ("newest", [8, 7, 6, 5, 4, 3, 2, 1]),
            ("relevance", [8, 7, 6, 5, 4, 3, 2, 1]),  # no words: newest first
        ],
    )
    async def test_sorts(self, catalog: SearchBackend, sort: Sort, expected: list[int]) -> None:
        assert n(await catalog.search(SearchQuery(sort=sort))) == expected

    async def test_sorts_apply_to_text_queries(self, catalog: SearchBackend) -> None:
        query = SearchQuery(text="headphones", sort="price_asc")
        assert n(await catalog.search(query)) == [3, 2, 1]

    @pytest.mark.parametrize("sort", ["relevance", "price_asc", "price_desc", "newest"])
    @pytest.mark.parametrize("text", [None, "headphones"])
    async def test_cursor_pages_visit_every_match_once(
        self, catalog: SearchBackend, sort: Sort, text: str | None
    ) -> None:
        whole = n(await catalog.search(SearchQuery(text=text, sort=sort, limit=100)))
        pages = await walk(catalog, SearchQuery(text=text, sort=sort, limit=2))
        assert pages == whole
        first = await catalog.search(SearchQuery(text=text, sort=sort, limit=2))
        assert first.total == len(whole), "total counts every match, not the page"

    async def test_the_last_page_has_no_cursor(self, catalog: SearchBackend) -> None:
        result = await catalog.search(SearchQuery(limit=8))
        assert len(result.hits) == 8
        assert result.next_cursor is None

    async def test_a_cursor_of_another_sort_or_a_forged_one_is_refused(
        self, catalog: SearchBackend
    ) -> None:
        page = await catalog.search(SearchQuery(sort="price_asc", limit=2))
        assert page.next_cursor is not None
        with pytest.raises(Unprocessable):
            await catalog.search(SearchQuery(sort="newest", cursor=page.next_cursor))
        with pytest.raises(Unprocessable):
            await catalog.search(SearchQuery(sort="newest", cursor="not-a-cursor"))

    async def test_hits_carry_what_a_result_list_shows(self, catalog: SearchBackend) -> None:
        [hit] = (await catalog.search(SearchQuery(text="wireless"))).hits
        assert hit.title == "Wireless Headphones Pro"
        assert (hit.vendor_id, hit.vendor_name) == (SONIC, "Sonic Shop")
        assert hit.category_id == HEADPHONES
        assert (hit.price_min, hit.price_max, hit.currency) == (19_900, 21_900, "USD")
        assert hit.image_url == "https://img.agora.test/1.jpg"
        assert (hit.rating_average, hit.rating_count) == (4.5, 3)
        assert hit.published_at == EPOCH + timedelta(hours=1)

    # --- writes

    async def test_upsert_replaces_a_document(self, catalog: SearchBackend) -> None:
        old = CATALOG[0]
        await catalog.upsert(
            [replace(old, title="Wireless Earbuds", description="Tiny", price_min=5_000)]
        )
        assert n(await catalog.search(SearchQuery(text="noise cancelling"))) == []
        assert n(await catalog.search(SearchQuery(text="wireless headphones"))) == [1], (
            "still in the Headphones category"
        )
        [hit] = (await catalog.search(SearchQuery(text="earbuds"))).hits
        assert (hit.title, hit.price_min) == ("Wireless Earbuds", 5_000)
        assert await catalog.count() == len(CATALOG)

    async def test_delete_removes_documents_and_ignores_unknown_ids(
        self, catalog: SearchBackend
    ) -> None:
        await catalog.delete([CATALOG[0].product_id, _id("never-indexed")])
        assert n(await catalog.search(SearchQuery(text="headphones"))) == [2, 3]
        assert await catalog.count() == len(CATALOG) - 1
        assert "Wireless Headphones Pro" not in await catalog.suggest("wireless")

    async def test_rebuild_replaces_the_whole_index(self, catalog: SearchBackend) -> None:
        progress: list[int] = []

        async def batches() -> AsyncIterator[Sequence[SearchDocument]]:
            yield CATALOG[:2]
            yield CATALOG[4:5]

        assert await catalog.rebuild(batches(), progress.append) == 3
        assert sum(progress) == 3
        assert await catalog.count() == 3
        assert set(n(await catalog.search(SearchQuery()))) == {1, 2, 5}
        assert await catalog.suggest("mechanical") == []

    # --- suggestions

    async def test_suggestions_complete_the_words_typed(self, catalog: SearchBackend) -> None:
        assert set(await catalog.suggest("head")) == {
            "Wireless Headphones Pro",
            "Studio Monitor Headphones",
        }
        assert await catalog.suggest("wireless hea") == ["Wireless Headphones Pro"]
        assert await catalog.suggest("Trail r") == ["Trail Running Shoes"]
        assert await catalog.suggest("CAF") == ["Café Latte Mug"]

    async def test_suggestions_tolerate_a_typo(self, catalog: SearchBackend) -> None:
        assert "Mechanical Keyboard" in await catalog.suggest("mechanicl")
        assert "Mechanical Keyboard" in await catalog.suggest("keybaord")

    async def test_suggestions_are_limited_and_distinct(self, catalog: SearchBackend) -> None:
        twin = replace(CATALOG[1], product_id=_id("twin"))
        await catalog.upsert([twin])
        suggestions = await catalog.suggest("studio")
        assert suggestions == ["Studio Monitor Headphones"]
        assert len(await catalog.suggest("h", limit=1)) == 1
        assert await catalog.suggest("zzzz") == []
        assert await catalog.suggest("   ") == []
