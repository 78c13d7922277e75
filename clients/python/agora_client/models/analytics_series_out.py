from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.analytics_bucket_out import AnalyticsBucketOut
    from ..models.analytics_point_out import AnalyticsPointOut


T = TypeVar("T", bound="AnalyticsSeriesOut")


@_attrs_define
class AnalyticsSeriesOut:
    """
    Attributes:
        currency (None | str): For money metrics; null for the others
        buckets (list[AnalyticsBucketOut]): Every period of the range, zeros included
        total (AnalyticsPointOut):
    """

    currency: None | str
    buckets: list[AnalyticsBucketOut]
    total: AnalyticsPointOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency: None | str
        currency = self.currency

        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)

        total = self.total.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "buckets": buckets,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analytics_bucket_out import AnalyticsBucketOut  # noqa: PLC0415
        from ..models.analytics_point_out import AnalyticsPointOut  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in _buckets:
            buckets_item = AnalyticsBucketOut.from_dict(buckets_item_data)

            buckets.append(buckets_item)

        total = AnalyticsPointOut.from_dict(d.pop("total"))

        analytics_series_out = cls(
            currency=currency,
            buckets=buckets,
            total=total,
        )

        analytics_series_out.additional_properties = d
        return analytics_series_out

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
