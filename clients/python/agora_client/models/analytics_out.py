from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analytics_out_interval import AnalyticsOutInterval
from ..models.analytics_out_metric import AnalyticsOutMetric
from ..models.analytics_out_unit import AnalyticsOutUnit

if TYPE_CHECKING:
    from ..models.analytics_series_out import AnalyticsSeriesOut


T = TypeVar("T", bound="AnalyticsOut")


@_attrs_define
class AnalyticsOut:
    """
    Attributes:
        metric (AnalyticsOutMetric):
        unit (AnalyticsOutUnit):
        from_ (datetime.datetime):
        to (datetime.datetime):
        interval (AnalyticsOutInterval):
        series (list[AnalyticsSeriesOut]): One per currency for gmv, aov and refund_rate; one otherwise
    """

    metric: AnalyticsOutMetric
    unit: AnalyticsOutUnit
    from_: datetime.datetime
    to: datetime.datetime
    interval: AnalyticsOutInterval
    series: list[AnalyticsSeriesOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric.value

        unit = self.unit.value

        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        interval = self.interval.value

        series = []
        for series_item_data in self.series:
            series_item = series_item_data.to_dict()
            series.append(series_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "metric": metric,
                "unit": unit,
                "from": from_,
                "to": to,
                "interval": interval,
                "series": series,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analytics_series_out import AnalyticsSeriesOut  # noqa: PLC0415

        d = dict(src_dict)
        metric = AnalyticsOutMetric(d.pop("metric"))

        unit = AnalyticsOutUnit(d.pop("unit"))

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        interval = AnalyticsOutInterval(d.pop("interval"))

        series = []
        _series = d.pop("series")
        for series_item_data in _series:
            series_item = AnalyticsSeriesOut.from_dict(series_item_data)

            series.append(series_item)

        analytics_out = cls(
            metric=metric,
            unit=unit,
            from_=from_,
            to=to,
            interval=interval,
            series=series,
        )

        analytics_out.additional_properties = d
        return analytics_out

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
