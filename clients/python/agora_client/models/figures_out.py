from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.order_money import OrderMoney


T = TypeVar("T", bound="FiguresOut")


@_attrs_define
class FiguresOut:
    """
    Attributes:
        currency (str):
        orders (int): Paid orders with a part from the store
        units (int): Units of the store's products in them
        gross_sales (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        refunds (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        platform_fees (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        net_payouts (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        average_order_value (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
    """

    currency: str
    orders: int
    units: int
    gross_sales: OrderMoney
    refunds: OrderMoney
    platform_fees: OrderMoney
    net_payouts: OrderMoney
    average_order_value: OrderMoney
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        orders = self.orders

        units = self.units

        gross_sales = self.gross_sales.to_dict()

        refunds = self.refunds.to_dict()

        platform_fees = self.platform_fees.to_dict()

        net_payouts = self.net_payouts.to_dict()

        average_order_value = self.average_order_value.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "orders": orders,
                "units": units,
                "gross_sales": gross_sales,
                "refunds": refunds,
                "platform_fees": platform_fees,
                "net_payouts": net_payouts,
                "average_order_value": average_order_value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_money import OrderMoney  # noqa: PLC0415

        d = dict(src_dict)
        currency = d.pop("currency")

        orders = d.pop("orders")

        units = d.pop("units")

        gross_sales = OrderMoney.from_dict(d.pop("gross_sales"))

        refunds = OrderMoney.from_dict(d.pop("refunds"))

        platform_fees = OrderMoney.from_dict(d.pop("platform_fees"))

        net_payouts = OrderMoney.from_dict(d.pop("net_payouts"))

        average_order_value = OrderMoney.from_dict(d.pop("average_order_value"))

        figures_out = cls(
            currency=currency,
            orders=orders,
            units=units,
            gross_sales=gross_sales,
            refunds=refunds,
            platform_fees=platform_fees,
            net_payouts=net_payouts,
            average_order_value=average_order_value,
        )

        figures_out.additional_properties = d
        return figures_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
