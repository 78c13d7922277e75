"""The words of the demo catalog: its category tree (what each leaf category sells:
nouns, adjectives, prices, variant options and features), its stores, and the lines of
its reviews. Plain data; :mod:`agora_catalog.seed.generator` makes a shop of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from agora_catalog.models import VENDOR_PENDING, VENDOR_SUSPENDED


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
