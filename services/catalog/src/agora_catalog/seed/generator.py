"""A realistic demo catalog: stores, a category tree, products with variants, stock and
reviews, generated from a seed so two runs with the same seed give the same shop (its
words are in :mod:`agora_catalog.seed.data`).

Rows are written in bulk (a few hundred products per transaction), with the same
events the API would write, so the rest of the fleet (the search index, the order
service's prices, the user service's vendor roles) learns of them as of any change.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.domain.text import slugify
from agora_catalog.models import (
    PRODUCT_DRAFT,
    PRODUCT_PUBLISHED,
    VENDOR_APPROVED,
    VENDOR_PENDING,
    VENDOR_SUSPENDED,
)
from agora_catalog.repository import seed as repo
from agora_catalog.seed.data import REVIEW_LINES, STATUS_OF_STORE, STORES, TREE, Kind
from agora_contracts.catalog import (
    CategoryCreated,
    ProductPublished,
    VariantSnapshot,
    VendorApproved,
    VendorSuspended,
)
from agora_contracts.common import Money
from agora_kit.db import Database
from agora_kit.events.outbox import Outbox

BATCH = 250


@dataclass
class SeedReport:
    vendors: int = 0
    categories: int = 0
    products: int = 0
    variants: int = 0
    reviews: int = 0


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _leaves() -> list[tuple[str, str, Kind]]:
    return [(root, leaf, kind) for root, leaves in TREE.items() for leaf, kind in leaves.items()]


async def catalog_size(database: Database) -> int:
    async with database.transaction() as session:
        return await repo.count_products(session)


async def _categories(
    session: AsyncSession, outbox: Outbox, now: datetime
) -> tuple[dict[str, uuid.UUID], int]:
    """The tree, reusing categories that exist (matched by name and parent)."""
    existing = await repo.categories_by_place(session)
    ids: dict[str, uuid.UUID] = {}
    created = 0
    for root, leaves in TREE.items():
        for name, parent in [(root, None), *((leaf, root) for leaf in leaves)]:
            parent_id = ids[parent] if parent else None
            found = existing.get((parent_id, name))
            if found is None:
                found = uuid.uuid4()
                await repo.insert_category(
                    session,
                    id=found,
                    name=name,
                    slug=slugify(name),
                    parent_id=parent_id,
                    created_at=now,
                    updated_at=now,
                )
                await outbox.add(
                    session,
                    CategoryCreated(
                        category_id=found, name=name, slug=slugify(name), parent_id=parent_id
                    ),
                    key=str(found),
                )
                created += 1
            ids[name if parent is None else f"{parent}/{name}"] = found
    return ids, created


async def _stores(
    session: AsyncSession, outbox: Outbox, rng: random.Random, now: datetime, tag: str
) -> list[uuid.UUID]:
    """The demo stores; returns the approved ones, who sell."""
    selling = []
    for name, description in STORES:
        store = f"{name}{tag}"
        status = STATUS_OF_STORE.get(name, VENDOR_APPROVED)
        vendor_id, owner_id = _uuid(rng), _uuid(rng)
        await repo.insert_vendor(
            session,
            id=vendor_id,
            owner_id=owner_id,
            name=store,
            slug=slugify(store),
            description=description,
            status=status,
            low_stock_threshold=5,
            created_at=now,
            updated_at=now,
            approved_at=now if status != VENDOR_PENDING else None,
            suspended_at=now if status == VENDOR_SUSPENDED else None,
        )
        if status != VENDOR_PENDING:
            await outbox.add(
                session,
                VendorApproved(vendor_id=vendor_id, owner_id=owner_id, name=store, approved_at=now),
                key=str(vendor_id),
            )
        if status == VENDOR_SUSPENDED:
            await outbox.add(
                session,
                VendorSuspended(
                    vendor_id=vendor_id, owner_id=owner_id, name=store, reason="demo: suspended"
                ),
                key=str(vendor_id),
            )
        # Even a suspended store has products: they must not show.
        if status != VENDOR_PENDING:
            selling.append(vendor_id)
    return selling


def _variants(
    rng: random.Random, kind: Kind, base_price: int, sku_stem: str
) -> list[dict[str, Any]]:
    options = list(kind.options.items())
    combos: list[dict[str, str]] = [{}]
    for name, values in options[:2]:
        picked = rng.sample(values, k=min(len(values), rng.randint(1, 3)))
        combos = [{**combo, name: value} for combo in combos for value in picked]
    combos = combos[: rng.randint(1, 6)]
    variants = []
    for i, attributes in enumerate(combos, start=1):
        # Bigger sizes and premium formats cost a little more.
        price = base_price + (i - 1) * rng.choice((0, 0, 100, 200, 500))
        stock = rng.choice((0, 2, 4, 8, 12, 25, 40, 75, 120))
        variants.append(
            {"sku": f"{sku_stem}-{i}", "price": price, "attributes": attributes, "stock": stock}
        )
    return variants


def _products(
    rng: random.Random, count: int, stores: Sequence[uuid.UUID]
) -> Iterator[tuple[str, str, Kind, uuid.UUID, int]]:
    leaves = _leaves()
    for n in range(count):
        root, leaf, kind = leaves[n % len(leaves)] if n < len(leaves) else rng.choice(leaves)
        yield root, leaf, kind, rng.choice(stores), n


async def seed_catalog(
    database: Database,
    outbox: Outbox,
    *,
    products: int = 300,
    seed: int = 7,
    progress: Callable[[int], None] | None = None,
) -> SeedReport:
    """Write the demo catalog; ``progress`` is called with each batch's product count.
    A second run adds another, distinct set of stores and products."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    report = SeedReport()
    now = datetime.now(UTC)
    existing = await catalog_size(database)
    # A later run gets its own store names and SKUs, so it never collides.
    tag = "" if existing == 0 else f" {existing}"
    sku_prefix = "AG" if existing == 0 else f"AG{existing}"
    async with database.transaction() as session:
        categories, report.categories = await _categories(session, outbox, now)
        stores = await _stores(session, outbox, rng, now, tag)
        report.vendors = len(STORES)
    vendor_names = dict(zip(stores, (f"{n}{tag}" for n, _ in STORES), strict=False))

    plan = list(_products(rng, products, stores))
    for start in range(0, len(plan), BATCH):
        batch = plan[start : start + BATCH]
        async with database.transaction() as session:
            for root, leaf, kind, vendor_id, n in batch:
                await _one_product(
                    session,
                    outbox,
                    rng,
                    report,
                    now=now,
                    category_id=categories[f"{root}/{leaf}"],
                    kind=kind,
                    vendor_id=vendor_id,
                    sku_stem=f"{sku_prefix}-{n + 1:06d}",
                    vendor_name=vendor_names[vendor_id],
                )
        if progress is not None:
            progress(len(batch))
    return report


async def _one_product(
    session: AsyncSession,
    outbox: Outbox,
    rng: random.Random,
    report: SeedReport,
    *,
    now: datetime,
    category_id: uuid.UUID,
    kind: Kind,
    vendor_id: uuid.UUID,
    sku_stem: str,
    vendor_name: str,
) -> None:
    brand = vendor_name.split(maxsplit=1)[0]
    adjective, noun = rng.choice(kind.adjectives), rng.choice(kind.nouns)
    title = f"{brand} {adjective} {noun}"
    if rng.random() < 0.4:
        title += f" {rng.choice(('Pro', 'Mini', 'Plus', 'II', 'Max', 'Lite', '2'))}"
    features = rng.sample(kind.features, k=min(2, len(kind.features))) if kind.features else []
    description = f"A {adjective.lower()} {noun.lower()} from {vendor_name}"
    description += f", with {' and '.join(features)}." if features else "."
    low, high = kind.price
    base_price = rng.randrange(low, high, 100) - 1 if high > low + 100 else low
    published = rng.random() < 0.93
    created = now - timedelta(days=rng.randint(1, 365), minutes=rng.randint(0, 1440))
    product_id = _uuid(rng)
    ratings = (
        [
            rng.choices((5, 4, 3, 2, 1), weights=(45, 30, 12, 8, 5))[0]
            for _ in range(rng.choice((0, 0, 1, 2, 3, 5, 8)))
        ]
        if published
        else []
    )
    await repo.insert_product(
        session,
        id=product_id,
        vendor_id=vendor_id,
        category_id=category_id,
        title=title,
        description=description,
        attributes={"brand": brand},
        images=[{"url": f"https://img.example.com/agora/{sku_stem.lower()}.jpg", "alt": title}],
        status=PRODUCT_PUBLISHED if published else PRODUCT_DRAFT,
        rating_count=len(ratings),
        rating_sum=sum(ratings),
        created_at=created,
        updated_at=created,
        published_at=created + timedelta(hours=1) if published else None,
    )
    variants = _variants(rng, kind, base_price, sku_stem)
    await repo.insert_variants(
        session,
        [
            {
                "id": _uuid(rng),
                "product_id": product_id,
                "sku": v["sku"],
                "price_amount": v["price"],
                "currency": "USD",
                "attributes": v["attributes"],
                "created_at": created,
                "updated_at": created,
            }
            for v in variants
        ],
        [
            {
                "sku": v["sku"],
                "product_id": product_id,
                "vendor_id": vendor_id,
                "on_hand": v["stock"],
                "reserved": 0,
                "updated_at": created,
            }
            for v in variants
        ],
    )
    for rating in ratings:
        buyer, order = _uuid(rng), _uuid(rng)
        line_title, body = REVIEW_LINES[rating]
        await repo.insert_review(
            session,
            order_id=order,
            id=_uuid(rng),
            product_id=product_id,
            author_id=buyer,
            rating=rating,
            title=line_title,
            body=body,
            created_at=created + timedelta(days=rng.randint(2, 60)),
        )
    if published:
        await outbox.add(
            session,
            ProductPublished(
                product_id=product_id,
                vendor_id=vendor_id,
                category_id=category_id,
                title=title,
                image_url=f"https://img.example.com/agora/{sku_stem.lower()}.jpg",
                variants=[
                    VariantSnapshot(
                        sku=v["sku"],
                        price=Money(amount=v["price"], currency="USD"),
                        attributes=v["attributes"],
                        available=v["stock"],
                    )
                    for v in variants
                ],
                published_at=created + timedelta(hours=1),
            ),
            key=str(product_id),
        )
    report.products += 1
    report.variants += len(variants)
    report.reviews += len(ratings)
