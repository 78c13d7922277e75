"""What a return refunds (ADR 0116): what the buyer paid for the units sent back."""

from __future__ import annotations

import uuid

from agora_order.models import OrderLine, SubOrder


def paid_for(line: OrderLine, sub: SubOrder, *, tax_included: bool, units: int) -> int:
    """What the buyer paid for the first ``units`` of ``line``: the line's goods less
    its part of the sub-order's discount, and, where tax was added on top, the
    sub-order's tax on them (its taxed base is the discounted goods plus shipping).
    Shipping is not refunded. Rounded down at each step on the whole line, so the
    parts of a line returned in several returns add up to what one return of it all
    would give."""
    discount = (
        line.line_amount * sub.discount_amount // sub.subtotal_amount if sub.subtotal_amount else 0
    )
    goods = (line.line_amount - discount) * units // line.quantity
    if tax_included or sub.tax_amount <= 0:
        return goods
    base = sub.subtotal_amount - sub.discount_amount + sub.shipping_amount
    return goods + (sub.tax_amount * goods // base if base > 0 else 0)


def refund_of(
    lines: list[tuple[OrderLine, int]],
    sub: SubOrder,
    *,
    tax_included: bool,
    before: dict[uuid.UUID, int],
) -> int:
    """The refund of ``units`` of each line, after ``before`` units of it were refunded."""
    total = 0
    for line, units in lines:
        done = before.get(line.id, 0)
        total += paid_for(line, sub, tax_included=tax_included, units=done + units) - paid_for(
            line, sub, tax_included=tax_included, units=done
        )
    return total
