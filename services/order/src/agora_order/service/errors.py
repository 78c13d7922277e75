"""The order service's expected failures, each a problem+json answer."""

from __future__ import annotations

from agora_kit.errors import Conflict, NotFound, Unprocessable


class UnknownSku(NotFound):
    slug = "unknown-sku"
    title = "No such SKU for sale"


class NotEnoughStock(Conflict):
    slug = "not-enough-stock"
    title = "Not enough stock"


class TooManyOpenOrders(Conflict):
    slug = "too-many-open-orders"
    title = "Too many unpaid orders"


class TooManyUnits(Conflict):
    slug = "too-many-units"
    title = "Too many units of one SKU"


class CurrencyMismatch(Conflict):
    slug = "currency-mismatch"
    title = "The cart holds another currency"


class EmptyCart(Conflict):
    slug = "empty-cart"
    title = "The cart is empty"


class OrderNotFound(NotFound):
    slug = "order-not-found"
    title = "No such order"


class NotCancellable(Conflict):
    slug = "order-not-cancellable"
    title = "The order can no longer be cancelled"


class BadCoupon(Unprocessable):
    slug = "bad-coupon"
    title = "The coupon cannot be used"


class CouponExists(Conflict):
    slug = "coupon-exists"
    title = "A coupon with this code exists"


class NotShippable(Unprocessable):
    slug = "not-shippable"
    title = "A store does not ship the cart to this address"


class CountryTaken(Conflict):
    slug = "shipping-country-taken"
    title = "Another shipping zone of the store covers the country"


class BadReturn(Unprocessable):
    slug = "bad-return"
    title = "The return names lines it cannot"


class NotReturnable(Conflict):
    slug = "not-returnable"
    title = "These lines cannot be returned now"


class ReturnNotFound(NotFound):
    slug = "return-not-found"
    title = "No such return"


class ReturnStateConflict(Conflict):
    slug = "return-state"
    title = "The return is not in a state that allows this"
