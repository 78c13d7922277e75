"""A realistic demo catalog: stores, a category tree, products with variants, stock and
reviews, generated from a seed so two runs with the same seed give the same shop.

Rows are written in bulk (a few hundred products per transaction), with the same
events the API would write, so the rest of the fleet (the search index, the order
service's prices, the user service's vendor roles) learns of them as of any change.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import (
    PRODUCT_DRAFT,
    PRODUCT_PUBLISHED,
    VENDOR_APPROVED,
    VENDOR_PENDING,
    VENDOR_SUSPENDED,
    Category,
    Inventory,
    Product,
    Purchase,
    Review,
    Variant,
    Vendor,
)
from agora_catalog.text import slugify
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


@dataclass(frozen=True)
class Kind:
    """What one leaf category sells: nouns, the words that vary them, price range
    (minor units) and the variant attributes that make sense for it."""

    nouns: tuple[str, ...]
    adjectives: tuple[str, ...]
    price: tuple[int, int]
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)
    features: tuple[str, ...] = ()


COLOURS = ("Black", "White", "Red", "Navy", "Forest Green", "Grey", "Sand", "Teal")
SIZES = ("XS", "S", "M", "L", "XL")
SHOE_SIZES = ("38", "39", "40", "41", "42", "43", "44", "45")

TREE: dict[str, dict[str, Kind]] = {
    "Electronics": {
        "Audio": Kind(
            ("Headphones", "Earbuds", "Bluetooth Speaker", "Soundbar", "Turntable"),
            ("Wireless", "Noise-Cancelling", "Studio", "Portable", "Compact", "Hi-Fi"),
            (2_900, 39_900),
            {"colour": ("Black", "White", "Navy", "Sand")},
            ("a 30-hour battery", "deep, balanced bass", "a braided cable", "USB-C charging"),
        ),
        "Computers": Kind(
            (
                "Mechanical Keyboard",
                "Wireless Mouse",
                "USB-C Hub",
                "Monitor Stand",
                "Laptop Sleeve",
            ),
            ("Ergonomic", "Compact", "Silent", "Backlit", "Aluminium", "Travel"),
            (1_900, 19_900),
            {"colour": ("Black", "White", "Grey"), "layout": ("US", "UK", "DE")},
            ("hot-swappable switches", "a detachable cable", "a three-year warranty"),
        ),
        "Phones & Tablets": Kind(
            ("Phone Case", "Screen Protector", "Wireless Charger", "Tablet Stand", "Power Bank"),
            ("Slim", "Rugged", "Magnetic", "Fast", "Clear", "Leather"),
            (900, 8_900),
            {"colour": ("Black", "Clear", "Navy", "Red")},
            ("drop protection", "15 W charging", "a lifetime warranty"),
        ),
        "Cameras": Kind(
            ("Action Camera", "Camera Bag", "Tripod", "Lens Filter", "Ring Light"),
            ("4K", "Waterproof", "Travel", "Professional", "Compact"),
            (1_900, 49_900),
            {"colour": ("Black", "Grey")},
            ("image stabilisation", "a carbon-fibre frame", "a padded interior"),
        ),
    },
    "Home & Kitchen": {
        "Kitchen": Kind(
            ("Chef's Knife", "Cast Iron Skillet", "French Press", "Kettle", "Cutting Board"),
            ("Stainless", "Enamelled", "Japanese", "Electric", "Bamboo", "Copper"),
            (1_500, 24_900),
            {"colour": ("Black", "Red", "Sand", "Teal")},
            ("a lifetime edge", "even heating", "a dishwasher-safe finish"),
        ),
        "Furniture": Kind(
            ("Bookshelf", "Desk Chair", "Side Table", "Floor Cushion", "Bar Stool"),
            ("Oak", "Walnut", "Mid-Century", "Folding", "Industrial", "Rattan"),
            (4_900, 59_900),
            {"colour": ("Natural", "Black", "White")},
            ("solid wood", "tool-free assembly", "a 150 kg load rating"),
        ),
        "Lighting": Kind(
            ("Desk Lamp", "Floor Lamp", "Pendant Light", "String Lights", "Night Light"),
            ("Brass", "LED", "Dimmable", "Scandinavian", "Smart", "Linen"),
            (1_900, 29_900),
            {"colour": ("Black", "White", "Brass")},
            ("warm 2700 K light", "a touch dimmer", "a woven shade"),
        ),
        "Decor": Kind(
            ("Throw Blanket", "Ceramic Vase", "Wall Clock", "Picture Frame", "Scented Candle"),
            ("Handmade", "Woven", "Minimal", "Vintage", "Hand-Painted", "Linen"),
            (900, 9_900),
            {"colour": COLOURS},
            ("natural materials", "a matte glaze", "soy wax"),
        ),
    },
    "Clothing": {
        "Men": Kind(
            ("T-Shirt", "Oxford Shirt", "Chinos", "Hoodie", "Wool Sweater"),
            ("Organic Cotton", "Slim Fit", "Relaxed", "Merino", "Linen", "Heavyweight"),
            (1_900, 12_900),
            {"colour": COLOURS, "size": SIZES},
            ("organic cotton", "reinforced seams", "a garment-dyed finish"),
        ),
        "Women": Kind(
            ("Blouse", "Midi Dress", "Cardigan", "Jeans", "Rain Jacket"),
            ("Organic Cotton", "Wrap", "Cropped", "Merino", "High-Rise", "Waterproof"),
            (2_400, 18_900),
            {"colour": COLOURS, "size": SIZES},
            ("a relaxed fit", "recycled fibres", "hidden pockets"),
        ),
        "Shoes": Kind(
            ("Running Shoes", "Sneakers", "Hiking Boots", "Loafers", "Sandals"),
            ("Lightweight", "Leather", "Waterproof", "Trail", "Canvas", "Cushioned"),
            (3_900, 21_900),
            {"colour": ("Black", "White", "Grey", "Navy"), "size": SHOE_SIZES},
            ("a grippy outsole", "a breathable upper", "a removable insole"),
        ),
        "Accessories": Kind(
            ("Backpack", "Wallet", "Beanie", "Sunglasses", "Leather Belt"),
            ("Waxed Canvas", "Minimal", "Polarised", "Wool", "Full-Grain"),
            (1_500, 14_900),
            {"colour": ("Black", "Brown", "Olive", "Navy")},
            ("YKK zips", "RFID shielding", "a lifetime guarantee"),
        ),
    },
    "Sports & Outdoors": {
        "Camping": Kind(
            ("Tent", "Sleeping Bag", "Camping Stove", "Headlamp", "Water Filter"),
            ("Ultralight", "Two-Person", "Four-Season", "Packable", "Rechargeable"),
            (1_900, 44_900),
            {"colour": ("Orange", "Forest Green", "Grey")},
            ("a 1.2 kg pack weight", "taped seams", "a 300-lumen beam"),
        ),
        "Cycling": Kind(
            ("Bike Helmet", "Bike Light Set", "Saddle Bag", "Cycling Gloves", "Mini Pump"),
            ("Aero", "Commuter", "Gravel", "Reflective", "Carbon"),
            (1_500, 17_900),
            {"colour": ("Black", "White", "Red"), "size": ("S", "M", "L")},
            ("MIPS protection", "USB charging", "a 200 psi rating"),
        ),
        "Fitness": Kind(
            ("Yoga Mat", "Kettlebell", "Resistance Bands", "Foam Roller", "Jump Rope"),
            ("Non-Slip", "Adjustable", "Cork", "Cast Iron", "Weighted"),
            (1_200, 12_900),
            {"colour": ("Black", "Teal", "Grey", "Sand")},
            ("a non-slip surface", "natural rubber", "a carry strap"),
        ),
    },
    "Books": {
        "Fiction": Kind(
            ("Novel", "Short Stories", "Mystery", "Science Fiction Saga", "Graphic Novel"),
            ("Award-Winning", "Illustrated", "Collected", "Debut", "Classic"),
            (899, 3_499),
            {"format": ("Paperback", "Hardcover")},
            ("a new translation", "an afterword by the author", "deckled edges"),
        ),
        "Non-Fiction": Kind(
            ("Cookbook", "Field Guide", "History", "Biography", "Travel Guide"),
            ("Illustrated", "Essential", "Complete", "Pocket", "Updated"),
            (1_299, 4_999),
            {"format": ("Paperback", "Hardcover")},
            ("200 photographs", "fold-out maps", "an index of recipes"),
        ),
    },
    "Toys & Games": {
        "Board Games": Kind(
            ("Strategy Game", "Card Game", "Puzzle", "Party Game", "Chess Set"),
            ("Cooperative", "Family", "Wooden", "1000-Piece", "Travel"),
            (1_499, 8_999),
            {},
            ("two to six players", "a 45-minute play time", "hand-finished pieces"),
        ),
        "Building Sets": Kind(
            ("Building Blocks", "Marble Run", "Robot Kit", "Train Set", "Magnetic Tiles"),
            ("Creative", "Wooden", "Programmable", "Starter", "Deluxe"),
            (1_999, 14_999),
            {},
            ("non-toxic paint", "200 pieces", "a storage box"),
        ),
    },
}

STORES: tuple[tuple[str, str], ...] = (
    ("Northwind Audio", "Headphones and speakers, tested by people who mix records."),
    ("Keystone Peripherals", "Keyboards and desk gear for long days at the screen."),
    ("Copper & Oak", "Kitchen tools that last a lifetime, and then some."),
    ("Lumen House", "Lamps and lights with a warm glow."),
    ("Thread & Needle", "Everyday clothing in organic cotton and merino."),
    ("Summit Outfitters", "Gear for trails, tents and long weekends outside."),
    ("Velo Supply", "Everything for the commute and the gravel road."),
    ("Paper Lantern Books", "An independent bookshop with an opinion."),
    ("Little Makers", "Toys that build things, and games that bring people together."),
    ("Form & Fold", "Furniture and decor for small spaces."),
    ("Pulse Fitness", "Home workout gear that fits in a cupboard."),
    ("Pixel Pocket", "Phone and camera accessories, sensibly priced."),
    # Realism: an application still waiting, and a store an admin suspended.
    ("Bargain Bin Deals", "Unbelievable prices on everything."),
    ("Quiet Corner Crafts", "Hand-made things, coming soon."),
)
STATUS_OF_STORE = {"Bargain Bin Deals": VENDOR_SUSPENDED, "Quiet Corner Crafts": VENDOR_PENDING}
REVIEW_LINES = {
    5: ("Love it", "Exactly as described, and it arrived quickly."),
    4: ("Very good", "Does the job well; a couple of small niggles."),
    3: ("It's fine", "Decent for the price, nothing special."),
    2: ("Disappointing", "Not quite what the pictures suggested."),
    1: ("Would not buy again", "Broke within a week."),
}


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
        return int(await session.scalar(select(func.count()).select_from(Product)) or 0)


async def _categories(
    session: AsyncSession, outbox: Outbox, now: datetime
) -> tuple[dict[str, uuid.UUID], int]:
    """The tree, reusing categories that exist (matched by name and parent)."""
    existing = {
        (c.parent_id, c.name): c.id for c in (await session.scalars(select(Category))).all()
    }
    ids: dict[str, uuid.UUID] = {}
    created = 0
    for root, leaves in TREE.items():
        for name, parent in [(root, None), *((leaf, root) for leaf in leaves)]:
            parent_id = ids[parent] if parent else None
            found = existing.get((parent_id, name))
            if found is None:
                found = uuid.uuid4()
                await session.execute(
                    insert(Category).values(
                        id=found,
                        name=name,
                        slug=slugify(name),
                        parent_id=parent_id,
                        created_at=now,
                        updated_at=now,
                    )
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
        await session.execute(
            insert(Vendor).values(
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
    await session.execute(
        insert(Product).values(
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
    )
    variants = _variants(rng, kind, base_price, sku_stem)
    await session.execute(
        insert(Variant),
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
    )
    await session.execute(
        insert(Inventory),
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
        await session.execute(
            insert(Purchase).values(buyer_id=buyer, product_id=product_id, order_id=order)
        )
        line_title, body = REVIEW_LINES[rating]
        await session.execute(
            insert(Review).values(
                id=_uuid(rng),
                product_id=product_id,
                author_id=buyer,
                rating=rating,
                title=line_title,
                body=body,
                created_at=created + timedelta(days=rng.randint(2, 60)),
            )
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
