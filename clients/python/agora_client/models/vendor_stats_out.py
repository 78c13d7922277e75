from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.vendor_stats_out_interval import VendorStatsOutInterval

if TYPE_CHECKING:
    from ..models.bucket_out import BucketOut
    from ..models.figures_out import FiguresOut
    from ..models.low_stock_out import LowStockOut
    from ..models.top_product_out import TopProductOut


T = TypeVar("T", bound="VendorStatsOut")


@_attrs_define
class VendorStatsOut:
    """
    Attributes:
        from_ (datetime.datetime):
        to (datetime.datetime):
        interval (VendorStatsOutInterval):
        buckets (list[BucketOut]):
        totals (list[FiguresOut]): The whole range, one entry per currency
        top_products (list[TopProductOut]): By units sold in the range
        low_stock (list[LowStockOut]): SKUs for sale low on stock now
    """

    from_: datetime.datetime
    to: datetime.datetime
    interval: VendorStatsOutInterval
    buckets: list[BucketOut]
    totals: list[FiguresOut]
    top_products: list[TopProductOut]
    low_stock: list[LowStockOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        interval = self.interval.value

        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)

        totals = []
        for totals_item_data in self.totals:
            totals_item = totals_item_data.to_dict()
            totals.append(totals_item)

        top_products = []
        for top_products_item_data in self.top_products:
            top_products_item = top_products_item_data.to_dict()
            top_products.append(top_products_item)

        low_stock = []
        for low_stock_item_data in self.low_stock:
            low_stock_item = low_stock_item_data.to_dict()
            low_stock.append(low_stock_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "to": to,
                "interval": interval,
                "buckets": buckets,
                "totals": totals,
                "top_products": top_products,
                "low_stock": low_stock,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bucket_out import BucketOut  # noqa: PLC0415
        from ..models.figures_out import FiguresOut  # noqa: PLC0415
        from ..models.low_stock_out import LowStockOut  # noqa: PLC0415
        from ..models.top_product_out import TopProductOut  # noqa: PLC0415

        d = dict(src_dict)
        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        interval = VendorStatsOutInterval(d.pop("interval"))

        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in _buckets:
            buckets_item = BucketOut.from_dict(buckets_item_data)

            buckets.append(buckets_item)

        totals = []
        _totals = d.pop("totals")
        for totals_item_data in _totals:
            totals_item = FiguresOut.from_dict(totals_item_data)

            totals.append(totals_item)

        top_products = []
        _top_products = d.pop("top_products")
        for top_products_item_data in _top_products:
            top_products_item = TopProductOut.from_dict(top_products_item_data)

            top_products.append(top_products_item)

        low_stock = []
        _low_stock = d.pop("low_stock")
        for low_stock_item_data in _low_stock:
            low_stock_item = LowStockOut.from_dict(low_stock_item_data)

            low_stock.append(low_stock_item)

        vendor_stats_out = cls(
            from_=from_,
            to=to,
            interval=interval,
            buckets=buckets,
            totals=totals,
            top_products=top_products,
            low_stock=low_stock,
        )

        vendor_stats_out.additional_properties = d
        return vendor_stats_out

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
